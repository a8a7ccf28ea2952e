/**
 * The translator fixtures on one node (in-process `createApp(NodeManager)`): each runs to
 * FINISHED with DALiuGE's final state per Drop; branch graphs skip exactly the branch not taken.
 */
import { runSingle } from "./_single.ts";

for (const name of ["branch", "loop_with_exit", "parallel_loop", "array_loop", "grpby_gather"]) {
  Deno.test(`${name}.single.json runs to FINISHED on one node with DALiuGE's Drop states`, () =>
    runSingle(name));
}
