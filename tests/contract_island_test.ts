/** The route contract at an island over two nodes: a status is a `{node: int}` map. */
import { runContract } from "./_util/contract.ts";

runContract({
  tier: "island",
  flatten: (status) => Object.values(status as Record<string, number>),
  nodes: 2,
  // DALiuGE names each child `host:port:events_port:rpc_port`.
  info: (api) => ({ hosts: api.nodes.map((n) => `${n}:5555:6666`), sessionIds: ["s1"] }),
});
