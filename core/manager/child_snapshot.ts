/**
 * A child's `snapshot` event read by a composite tier. A big one is read in time slices: its
 * session fields parsed, its Drops' states found one by one in its bytes (one `JSON.parse` of a
 * node's 250k-Drop snapshot held an island's loop for 220 ms).
 */
import { rawEntries, rawValue, timeSlices } from "../graph/mod.ts";
import type { DropState } from "../session/mod.ts";

/** Snapshots from this many characters on are read in slices. */
export const SLICED_READ_AT = 512 * 1024;

const encoder = new TextEncoder();

/**
 * The snapshot's fields but `drops`, each of its Drops' states given to `each` as it goes.
 * Throws SyntaxError when `data` is not a JSON object.
 */
export async function readSnapshot(
  data: string,
  each: (oid: string, state: DropState) => void,
): Promise<Record<string, unknown>> {
  if (data.length < SLICED_READ_AT) {
    const { drops, ...head } = JSON.parse(data) as Record<string, unknown>;
    if (drops && typeof drops === "object") {
      for (const oid of Object.keys(drops)) each(oid, (drops as Record<string, DropState>)[oid]!);
    }
    return head;
  }
  const b = encoder.encode(data);
  const head: Record<string, unknown> = {};
  const slices = timeSlices();
  for (const e of rawEntries(b)) {
    if (e.key !== "drops" || b[e.valueStart] !== 0x7b) {
      head[e.key] = rawValue(b, e.valueStart, e.end);
      continue;
    }
    const drops = b.subarray(e.valueStart, e.end);
    for (const d of rawEntries(drops)) {
      each(d.key, rawValue(drops, d.valueStart, d.end) as DropState);
      if (slices.due()) await slices.next();
    }
  }
  return head;
}
