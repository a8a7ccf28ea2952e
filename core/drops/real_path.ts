/**
 * Paths as the file system resolves them: symlinks followed, also for paths whose last parts do
 * not exist yet. Confinement checks compare these, never the path text (DESIGN §8).
 */

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

/** True when `path` is `root` or below it (both normalised, absolute). */
export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root === "/" ? root : `${root}/`);
}

const MAX_LINKS = 40;

function join(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/**
 * The real path of absolute `path`: every symlink resolved, a missing tail kept as written, a
 * dangling link followed to where it points. `dirs` caches resolved directories (one batch).
 */
export function realPath(path: string, dirs = new Map<string, string>(), depth = 0): string {
  if (depth > MAX_LINKS) throw new Error(`${path}: too many levels of symbolic links`);
  const p = normalizePath(path);
  if (p === "/") return p;
  const cut = p.lastIndexOf("/");
  const parent = cut === 0 ? "/" : p.slice(0, cut);
  let dir = dirs.get(parent);
  if (dir === undefined) {
    dir = realPath(parent, dirs, depth);
    dirs.set(parent, dir);
  }
  const here = join(dir, p.slice(cut + 1));
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(here);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return here;
    throw e;
  }
  if (!info.isSymlink) return here;
  const link = Deno.readLinkSync(here);
  return realPath(link.startsWith("/") ? link : `${dir}/${link}`, dirs, depth + 1);
}

/** True when the real path of `path` lies under the real path of one of `roots`. */
export function confined(path: string, roots: readonly string[]): boolean {
  const dirs = new Map<string, string>();
  const real = realPath(path, dirs);
  return roots.some((r) => isUnder(real, realPath(r, dirs)));
}
