/**
 * Where file Drops may live: under the session directory, or under a root the operator allowed
 * (`--allow-path`). Checked at append, so a bad path is a 400 naming the Drop, never a surprise.
 */
import { invalidGraph } from "../errors/mod.ts";
import type { DropSpec } from "../graph/normalize.ts";
import { safeName } from "../apps/bash.ts";

/** Collapse `.` and `..` in an absolute POSIX path. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

function isUnder(path: string, root: string): boolean {
  const r = normalizePath(root);
  return path === r || path.startsWith(r.endsWith("/") ? r : `${r}/`);
}

/** The absolute path of a FileDROP: relative paths live under the session directory. */
export function filePath(spec: DropSpec, dir: string): string {
  const p = spec.params.filepath;
  const d = spec.params.dirname;
  const name = typeof p === "string" && p ? p : safeName(spec.uid);
  if (name.startsWith("/")) return normalizePath(name);
  const base = typeof d === "string" && d ? (d.startsWith("/") ? d : `${dir}/${d}`) : dir;
  return normalizePath(`${base}/${name}`);
}

/** Throw InvalidGraphException for the first file Drop whose path is not allowed. */
export function checkPaths(specs: DropSpec[], dir: string, allowed: readonly string[]): void {
  for (const s of specs) {
    if (s.cls.kind !== "data" || s.cls.storage !== "file") continue;
    const path = filePath(s, dir);
    if (isUnder(path, dir) || allowed.some((root) => isUnder(path, root))) continue;
    throw invalidGraph(
      `Drop ${s.oid}: file path ${path} is outside the session directory ${dir}` +
        (allowed.length ? ` and the allowed paths (${allowed.join(", ")})` : "") +
        "; an operator can allow more with --allow-path",
    );
  }
}
