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
 * Resolved directories, and for many paths at once (`listing`) each directory's entries read
 * once (name -> is a symlink) instead of one `lstat` per path.
 */
export interface PathCache {
  dirs: Map<string, string>;
  listing?: Map<string, Map<string, boolean> | null>;
}

export function pathCache(listing = false): PathCache {
  return { dirs: new Map(), listing: listing ? new Map() : undefined };
}

/** Whether `name` in real directory `dir` is a symlink; undefined when it is not there. */
function linkState(dir: string, name: string, cache: PathCache): boolean | undefined {
  if (!cache.listing) {
    try {
      return Deno.lstatSync(join(dir, name)).isSymlink;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
        return undefined;
      }
      throw e;
    }
  }
  let entries = cache.listing.get(dir);
  if (entries === undefined) {
    try {
      entries = new Map();
      for (const e of Deno.readDirSync(dir)) entries.set(e.name, e.isSymlink);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
      entries = null;
    }
    cache.listing.set(dir, entries);
  }
  return entries?.get(name);
}

/**
 * The real path of absolute `path`: every symlink resolved, a missing tail kept as written, a
 * dangling link followed to where it points.
 */
export function realPath(path: string, cache = pathCache(), depth = 0): string {
  if (depth > MAX_LINKS) throw new Error(`${path}: too many levels of symbolic links`);
  const p = normalizePath(path);
  if (p === "/") return p;
  const cut = p.lastIndexOf("/");
  const parent = cut === 0 ? "/" : p.slice(0, cut);
  let dir = cache.dirs.get(parent);
  if (dir === undefined) {
    dir = realPath(parent, cache, depth);
    cache.dirs.set(parent, dir);
  }
  const name = p.slice(cut + 1);
  const here = join(dir, name);
  if (linkState(dir, name, cache) !== true) return here;
  const link = Deno.readLinkSync(here);
  return realPath(link.startsWith("/") ? link : `${dir}/${link}`, cache, depth + 1);
}

/** True when the real path of `path` lies under the real path of one of `roots`. */
export function confined(path: string, roots: readonly string[]): boolean {
  const cache = pathCache();
  const real = realPath(path, cache);
  return roots.some((r) => isUnder(real, realPath(r, cache)));
}
