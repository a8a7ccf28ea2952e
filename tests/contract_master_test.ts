/**
 * The route contract at a master over one island of two nodes: a status nests per island,
 * `{island: {node: int}}`.
 */
import { runContract } from "./_util/contract.ts";

runContract({
  tier: "master",
  flatten: (status) =>
    Object.values(status as Record<string, Record<string, number>>).flatMap(Object.values),
  nodes: 2,
  info: (api) => ({ hosts: api.islands.map((i) => `${i}:5555:6666`), sessionIds: ["s1"] }),
});
