/** The route contract at a node: a session status is one bare int. */
import { runContract } from "./_util/contract.ts";

runContract({
  tier: "node",
  flatten: (status) => [status as number],
  nodes: 1,
  info: () => ({ sessions: [{ sessionId: "s1", status: 0, size: 0 }] }),
});
