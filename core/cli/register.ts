/**
 * `--register URL`: a node joins its island (an island its master) once it listens, with the
 * address others reach it by (`--advertise HOST[:PORT]`), and leaves on a clean stop. It asks
 * again every few seconds (adding twice is a no-op), so a parent that restarted, or started
 * after it, learns it too.
 */
import { NodeManagerClient, type Transport } from "../client/mod.ts";
import { islandPath, nodePath } from "../wire/mod.ts";
import { getLogger } from "../log/mod.ts";

export const REGISTER_OPTIONS = {
  register: { type: "string" },
  advertise: { type: "string" },
} as const;

export function registerUsage(parent: "island" | "master"): string {
  return `
      --register URL           join this ${parent} at start (POST .../api/${
    parent === "island" ? "node" : "island"
  }/<me>),
                               leave it on a clean stop (env DLG_REGISTER)
      --advertise HOST[:PORT]  how the ${parent} reaches this manager (default: -H, or this
                               machine's hostname when -H is 0.0.0.0/::; the bound port)`;
}

/** Started once listening; stopped (leaving the parent) before the manager stops. */
export interface Announcer {
  start(port: number): void;
  stop(): Promise<void>;
}

/** Seconds between announcements once registered. */
const EVERY_MS = 5_000;

/** The address this manager gives its parent: `host:port` (`https://host:port` with TLS). */
export function advertised(
  o: { advertise?: string; host: string; port: number; tls: boolean },
): string {
  let host = o.host === "0.0.0.0" || o.host === "::" ? Deno.hostname() : o.host;
  let port = o.port;
  if (o.advertise) {
    const m = o.advertise.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
    if (!m) throw new TypeError(`--advertise ${o.advertise}: expected HOST[:PORT]`);
    host = m[1]!;
    if (m[2]) port = Number(m[2]);
  }
  if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
  return `${o.tls ? "https://" : ""}${host}:${port}`;
}

export function announcer(o: {
  /** The parent's URL. */
  url: string;
  kind: "node" | "island";
  advertise?: string;
  host: string;
  tls: boolean;
  transport?: Transport;
  log: ReturnType<typeof getLogger>;
}): Announcer {
  const client = new NodeManagerClient(o.url, { timeoutMs: 5_000, transport: o.transport });
  let me: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let joined = false;
  let warned = false;
  let inFlight: Promise<void> = Promise.resolve();
  const path = () => o.kind === "node" ? nodePath(me!) : islandPath(me!);
  const tick = async () => {
    try {
      await client.request("POST", path());
      if (!joined) o.log.info("registered as {me} with {url}", { me, url: o.url });
      joined = true;
      warned = false;
    } catch (e) {
      if (!warned) {
        o.log.warn("cannot register with {url} (retrying): {why}", {
          url: o.url,
          why: (e as Error).message,
        });
      }
      warned = true;
    }
    // Quickly until the parent knows us, then now and then.
    if (!stopped) timer = setTimeout(() => inFlight = tick(), joined ? EVERY_MS : 500);
  };
  return {
    start(port) {
      me = advertised({ advertise: o.advertise, host: o.host, port, tls: o.tls });
      inFlight = tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (me === undefined) return;
      // An announcement on its way lands first, so the parent does not re-add us after.
      await inFlight;
      try {
        await client.request("DELETE", path(), { timeoutMs: 3_000 });
        o.log.info("left {url}", { url: o.url });
      } catch (e) {
        o.log.warn("could not leave {url}: {why}", { url: o.url, why: (e as Error).message });
      }
    },
  };
}

/** The announcer `--register`/`DLG_REGISTER` ask for (undefined: none); a bad flag throws. */
export function announcerFromFlags(
  values: Record<string, unknown>,
  o: { kind: "node" | "island"; host: string; tls: boolean; transport?: Transport; name: string },
): Announcer | undefined {
  const url = (values.register as string | undefined) ?? Deno.env.get("DLG_REGISTER");
  const advertise = values.advertise as string | undefined;
  if (!url) {
    if (advertise) throw new TypeError("--advertise needs --register");
    return undefined;
  }
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new TypeError(`--register ${url}: expected http(s)://HOST:PORT`);
  }
  advertised({ advertise, host: o.host, port: 1, tls: o.tls });
  return announcer({ ...o, url, advertise, log: getLogger(["dlg", o.name]) });
}
