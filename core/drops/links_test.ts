import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  eachLink,
  linkAdded,
  linkCount,
  linkList,
  type Links,
  linksHave,
  linksOf,
} from "./links.ts";

Deno.test("links: none, one Drop without an array, then an array from the second on", () => {
  const a = { id: "a" }, b = { id: "b" }, c = { id: "c" };
  let l: Links<typeof a> = undefined;
  assertEquals([linkCount(l), linkList(l), linksHave(l, a)], [0, [], false]);
  l = linkAdded(l, a);
  assertEquals(l, a);
  assertEquals([linkCount(l), linkList(l), linksHave(l, a), linksHave(l, b)], [
    1,
    [a],
    true,
    false,
  ]);
  l = linkAdded(l, b);
  l = linkAdded(l, c);
  assertEquals([linkCount(l), linkList(l), linksHave(l, c)], [3, [a, b, c], true]);
  const seen: string[] = [];
  eachLink(l, (x) => seen.push(x.id));
  eachLink(a as Links<typeof a>, (x) => seen.push(x.id));
  eachLink(undefined as Links<typeof a>, (x) => seen.push(x.id));
  assertEquals(seen, ["a", "b", "c", "a"]);
  assertEquals([linksOf([]), linksOf([a]), linksOf([a, b])], [undefined, a, [a, b]]);
});
