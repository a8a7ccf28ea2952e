import assert from "node:assert/strict";
import {
  dropBytesPath,
  dropFilePath,
  dropPath,
  islandPath,
  managerNodePath,
  nodePath,
  sessionPath,
} from "./mod.ts";

Deno.test("sessionPath encodes the id as one segment and appends the route", () => {
  assert.equal(sessionPath("s1"), "/api/sessions/s1");
  assert.equal(
    sessionPath("a b/c?d#e%", "/graph/status"),
    "/api/sessions/a%20b%2Fc%3Fd%23e%25/graph/status",
  );
  assert.equal(sessionPath("s", "/events"), "/api/sessions/s/events");
});

Deno.test("Drop paths encode both the session id and the OID", () => {
  assert.equal(dropPath("s 1", "x/y"), "/api/sessions/s%201/graph/drop/x%2Fy");
  assert.equal(dropFilePath("s", "ü"), "/api/sessions/s/graph/drop/data/%C3%BC");
  assert.equal(dropBytesPath("s", "a?b"), "/api/sessions/s/drops/a%3Fb/data");
});

Deno.test("child paths encode node strings and island names", () => {
  assert.equal(nodePath("h:8000"), "/api/node/h%3A8000");
  assert.equal(islandPath("i/1"), "/api/island/i%2F1");
  assert.equal(managerNodePath("i", "n:1"), "/api/managers/i/node/n%3A1");
});
