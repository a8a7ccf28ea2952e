/** Greedy packing of items, in order, into request-sized parts (graph appends, event batches). */

/**
 * `items` in order, in parts whose `sizeOf` sum stays within `maxBytes` and that hold at most
 * `maxItems` each; an item larger than `maxBytes` gets a part of its own.
 */
export function packBySize<T>(
  items: Iterable<T>,
  sizeOf: (item: T) => number,
  o: { maxBytes: number; maxItems?: number },
): T[][] {
  return [...packsBySize(items, sizeOf, o)];
}

/** `packBySize`, each part made as it is taken (items too many to hold at once). */
export function* packsBySize<T>(
  items: Iterable<T>,
  sizeOf: (item: T) => number,
  o: { maxBytes: number; maxItems?: number },
): Generator<T[]> {
  const maxItems = o.maxItems ?? Infinity;
  let part: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = sizeOf(item);
    if (part.length && (size + n > o.maxBytes || part.length >= maxItems)) {
      yield part;
      part = [];
      size = 0;
    }
    part.push(item);
    size += n;
  }
  if (part.length) yield part;
}
