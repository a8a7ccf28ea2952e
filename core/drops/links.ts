/**
 * A Drop's links of one kind (its inputs, outputs, consumers...): none, the one linked Drop, or
 * an array of two or more. Most Drops have one link of a kind, and a one-element array per link
 * costs here: a million of them took ~0.5 s to allocate and promote (docs/performance.md, round 7).
 */
export type Links<T> = T | readonly T[] | undefined;

/** How many Drops `l` holds. */
export function linkCount<T>(l: Links<T>): number {
  return l === undefined ? 0 : Array.isArray(l) ? l.length : 1;
}

/** Does `l` hold `x`? */
export function linksHave<T>(l: Links<T>, x: T): boolean {
  return l === x || (Array.isArray(l) && l.includes(x));
}

/** `l` with `x` added (an array from the second Drop on; the caller keeps `x` out twice). */
export function linkAdded<T>(l: Links<T>, x: T): Links<T> {
  if (l === undefined) return x;
  if (!Array.isArray(l)) return [l as T, x];
  (l as T[]).push(x);
  return l;
}

/** The Drops of `l` as an array (made for a single one: for apps and checks, not hot loops). */
export function linkList<T>(l: Links<T>): readonly T[] {
  return l === undefined ? [] : Array.isArray(l) ? l : [l as T];
}

/** An array of links in the compact form. */
export function linksOf<T>(list: readonly T[]): Links<T> {
  return list.length === 0 ? undefined : list.length === 1 ? list[0] : [...list];
}

/** Call `f` with each Drop of `l`, in order. */
export function eachLink<T>(l: Links<T>, f: (x: T) => void): void {
  if (l === undefined) return;
  if (!Array.isArray(l)) return f(l as T);
  for (const x of l as readonly T[]) f(x);
}
