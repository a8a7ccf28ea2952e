/** Link entries in both DALiuGE styles: an OID string, or a `{oid: portName}` object. */

/** The OID a link entry names (a link object's first key), or undefined for anything else. */
export function linkOid(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (entry && typeof entry === "object" && !Array.isArray(entry)) return Object.keys(entry)[0];
  return undefined;
}

/** The OIDs of a link list, in order (not a list: none). */
export function linkOids(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const oid = linkOid(e);
    if (oid !== undefined) out.push(oid);
  }
  return out;
}
