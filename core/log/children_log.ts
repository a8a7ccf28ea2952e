/**
 * A composite tier's children going down and coming back, as log lines: the health check marks
 * them (`Child.down`); this reads the marks every `periodMs` and logs each change once.
 */
import { getLogger } from "@logtape/logtape";

export interface ChildLike {
  readonly name: string;
  readonly down: string | undefined;
}

/** Log children's up/down changes; the returned function stops. */
export function logChildren(
  children: () => readonly ChildLike[],
  o: { name: string; periodMs: number },
): () => void {
  const log = getLogger(["dlg", o.name]);
  const seen = new Map<string, string | undefined>();
  const look = () => {
    const now = new Set<string>();
    for (const c of children()) {
      now.add(c.name);
      const known = seen.has(c.name);
      const was = seen.get(c.name);
      seen.set(c.name, c.down);
      if (!known) {
        log.info("child {child} added", { child: c.name });
      } else if (c.down !== undefined && was === undefined) {
        log.warn("child {child} is down: {reason}", { child: c.name, reason: c.down });
      } else if (c.down === undefined && was !== undefined) {
        log.info("child {child} is up again", { child: c.name });
      }
    }
    for (const name of seen.keys()) {
      if (!now.has(name)) {
        seen.delete(name);
        log.info("child {child} removed", { child: name });
      }
    }
  };
  look();
  const timer = setInterval(look, o.periodMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
