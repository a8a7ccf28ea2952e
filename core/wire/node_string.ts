/**
 * DALiuGE's node strings, `host[:port[:events[:rpc]]]` (manager_data.Node), and base URLs. Only
 * the host and the REST port matter to dlg-ts: events and data travel over the REST port.
 */

export interface NodeRef {
  host: string;
  port: number;
  /** `host:port:events:rpc`, as DALiuGE prints children. */
  name: string;
  /** `host:port`: what two node strings are compared by. */
  key: string;
  /** `http://host:port` (`https://` when the string was an https URL). */
  url: string;
}

/** A port given in a node string (absent: `def`); anything but 1..65535 is a mistake. */
function portOf(raw: string | undefined, def: number, s: string): number {
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (/^\d+$/.test(raw) && n > 0 && n < 65536) return n;
  throw new TypeError(
    `invalid node string ${JSON.stringify(s)}: port ${JSON.stringify(raw)} is not 1..65535`,
  );
}

/** Parse a node string (or an `http(s)://host:port` URL); missing ports take the defaults. */
export function parseNode(s: string, defaultPort = 8000): NodeRef {
  const trimmed = s.trim();
  const scheme = /^https:\/\//i.test(trimmed) ? "https" : "http";
  const text = trimmed.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  let host: string;
  let rest: string[];
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    host = text.slice(0, end + 1);
    rest = text.slice(end + 2).split(":").filter((x) => x !== "");
  } else {
    [host = "", ...rest] = text.split(":");
  }
  if (!host) throw new TypeError(`invalid node string ${JSON.stringify(s)}: no host`);
  if (rest.length > 3 || /[/?#@\s]/.test(host)) {
    throw new TypeError(
      `invalid node string ${JSON.stringify(s)}: expected host[:port[:events[:rpc]]]`,
    );
  }
  const port = portOf(rest[0], defaultPort, s);
  const events = portOf(rest[1], 5555, s);
  const rpc = portOf(rest[2], 6666, s);
  return {
    host,
    port,
    name: `${host}:${port}:${events}:${rpc}`,
    key: `${host}:${port}`,
    url: `${scheme}://${host}:${port}`,
  };
}

/** Comma-separated `-N` lists. */
export function parseNodeList(s: string | undefined, defaultPort = 8000): NodeRef[] {
  return (s ?? "").split(",").map((x) => x.trim()).filter(Boolean).map((x) =>
    parseNode(x, defaultPort)
  );
}

/**
 * A client's target -> its base URL: a URL is kept as given (path included, trailing slashes
 * dropped); a node string becomes `http://host:port` (no host: localhost).
 */
export function baseUrl(target: string, defaultPort: number): string {
  if (/^https?:\/\//i.test(target)) return target.replace(/\/+$/, "");
  const t = target.trim();
  return parseNode(!t || t.startsWith(":") ? `localhost${t}` : t, defaultPort).url;
}
