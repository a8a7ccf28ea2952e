/**
 * A tier's young generation touched once, at start. V8 commits the pages of its semi-spaces as
 * they are first used, and on this project's VMs the first touch of each 4 KiB page costs ~18 us:
 * a fresh master (64 MB semi-spaces, `MASTER_SEMI_SPACE_MB`) spent ~0.3 s of its first big append
 * faulting them in (a hierarchy's 100k-Drop append after a 40k warm-up: 24k faults at the master,
 * 13-17k once touched; docs/performance.md, "Round 9"). V8 keeps them committed, idle or not, so
 * this is paid once.
 */

/** Bytes of short-lived arrays made per allocation (well under V8's large-object size). */
const PIECE = 64 * 1024;

/**
 * Allocate and drop `mb` MB of short-lived arrays, in slices of `sliceMs` with the event loop let
 * in between (the tier already serves meanwhile). Resolves to the bytes allocated.
 */
export async function touchYoungGeneration(mb: number, sliceMs = 5): Promise<number> {
  const total = mb * 1024 * 1024;
  // The last few arrays stay reachable until replaced (the ring lives across the awaits), so
  // none is optimised away.
  const ring: number[][] = new Array(8);
  let made = 0;
  while (made < total) {
    const end = performance.now() + sliceMs;
    while (made < total && performance.now() < end) {
      ring[(made / PIECE) & 7] = new Array<number>(PIECE / 8 - 2).fill(made);
      made += PIECE;
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  return made;
}
