/** `dlg -m`: which manager to talk to, checked before anything is sent. */
import { parseNode } from "../wire/mod.ts";

const USAGE = "-m takes host[:port] or http(s)://host[:port]";

/** The manager's base URL from `-m` (default port `def`), or an Error saying what is wrong. */
export function managerUrl(target: string, def = 8000): string {
  const t = target.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(t);
  if (scheme && !/^https?$/i.test(scheme[1]!)) {
    throw new Error(`${USAGE}; ${JSON.stringify(scheme[1])} is not http or https`);
  }
  const rest = scheme ? t.slice(scheme[0].length) : t;
  const hostPort = rest.replace(/\/+$/, "");
  if (/[/?#]/.test(hostPort)) {
    throw new Error(`${USAGE}, without a path (got ${JSON.stringify(target)})`);
  }
  const node = hostPort.startsWith(":") || !hostPort ? `localhost${hostPort}` : hostPort;
  let ref;
  try {
    ref = parseNode(node, def);
  } catch (e) {
    throw new Error(`${USAGE}: ${(e as Error).message}`);
  }
  const secure = scheme?.[1]?.toLowerCase() === "https";
  return `${secure ? "https" : "http"}://${ref.host}:${ref.port}`;
}
