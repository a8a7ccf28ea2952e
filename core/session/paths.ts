/**
 * Where file Drops may live: under the session directory, or under a root the operator allowed
 * (`--allow-path`). Checked at append, so a bad path is a 400 naming the Drop, never a surprise.
 * Symlinks are resolved first: a link inside the session directory does not lead out of it.
 */
import { invalidGraph } from "../errors/mod.ts";
import type { DropSpec } from "../graph/mod.ts";
import { safeName } from "../apps/mod.ts";
import { isUnder, normalizePath, type PathCache, pathCache, realPath } from "../drops/mod.ts";

export { normalizePath };

/** The absolute path of a FileDROP: relative paths live under the session directory. */
export function filePath(spec: DropSpec, dir: string): string {
  const p = spec.params.filepath;
  const d = spec.params.dirname;
  const name = typeof p === "string" && p ? p : safeName(spec.uid);
  if (name.startsWith("/")) return normalizePath(name);
  const base = typeof d === "string" && d ? (d.startsWith("/") ? d : `${dir}/${d}`) : dir;
  return normalizePath(`${base}/${name}`);
}

/**
 * Throw InvalidGraphException for the first file Drop whose path is not allowed. `cache` may be
 * shared by the slices of one batch (directories are listed once, not one `lstat` per Drop).
 */
export function checkPaths(
  specs: DropSpec[],
  dir: string,
  allowed: readonly string[],
  cache: PathCache = pathCache(true),
): void {
  let roots: string[] | undefined;
  const real = (p: string) => {
    try {
      return realPath(p, cache);
    } catch {
      return undefined; // unreadable or a link loop: not allowed
    }
  };
  for (const s of specs) {
    if (s.cls.kind !== "data" || s.cls.storage !== "file") continue;
    roots ??= [dir, ...allowed].map((r) => real(r) ?? normalizePath(r));
    const path = filePath(s, dir);
    const resolved = real(path);
    if (resolved !== undefined && roots.some((root) => isUnder(resolved, root))) continue;
    const via = resolved !== undefined && resolved !== path
      ? ` (${resolved} once links are followed)`
      : "";
    throw invalidGraph(
      `Drop ${s.oid}: file path ${path}${via} is outside the session directory ${dir}` +
        (allowed.length ? ` and the allowed paths (${allowed.join(", ")})` : "") +
        "; an operator can allow more with --allow-path",
    );
  }
}
