/**
 * The trust flags every tier shares (DESIGN §8): the cluster token (`--token-file`, `DLG_TOKEN`),
 * TLS (`--cert`, `--key`), the CAs to trust when calling other tiers (`--ca-file`), and
 * `--insecure`, without which a manager refuses to listen beyond loopback with no token.
 */
import { isLoopback } from "../rest/mod.ts";
import type { ParseArgsConfig } from "node:util";

export const TRUST_OPTIONS = {
  "token-file": { type: "string" },
  insecure: { type: "boolean" },
  cert: { type: "string" },
  key: { type: "string" },
  "ca-file": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const TRUST_USAGE = `
      --token-file FILE        the cluster token (first line of FILE; else env DLG_TOKEN):
                               every request must carry "Authorization: Bearer <token>"
                               (401 otherwise), and it is sent to children and peers
      --insecure               listen on a non-loopback -H without a token (anyone who
                               reaches the port can run commands; DALiuGE's Python client
                               cannot send a token)
      --cert FILE, --key FILE  serve HTTPS with this PEM certificate chain and key
      --ca-file FILE           PEM CA certificates to trust for https:// children and peers`;

/** What the flags and DLG_TOKEN give, files already read. */
export interface Trust {
  token?: string;
  insecure: boolean;
  /** PEM certificate chain and key for Deno.serve. */
  tls?: { cert: string; key: string };
  /** PEM certificates of private CAs (for calls to other tiers). */
  caCerts: string[];
}

type Values = Record<string, unknown>;

/** A file a flag names, as text; unreadable: an error naming the flag, the path and why. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    const why = (e as Error).message.replace(/ \(os error.*$/, "").replace(/,.*$/, "");
    throw new Error(`${flag} ${path}: ${why}`);
  }
}

/** A token as a header can carry it: visible ASCII, no spaces. Never echoed in errors. */
function checkToken(token: string, from: string): string {
  if (!token) throw new Error(`${from} is empty`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(`${from}: the token must be printable ASCII without spaces`);
  }
  return token;
}

/** The token: `--token-file`'s first line, else DLG_TOKEN (unset or empty: none). */
export function readToken(file: string | undefined, env = Deno.env.get("DLG_TOKEN")) {
  if (file !== undefined) {
    const line = readFlagFile("--token-file", file).split(/\r?\n/)[0]!.trim();
    return checkToken(line, `--token-file ${file}`);
  }
  const t = env?.trim();
  return t ? checkToken(t, "DLG_TOKEN") : undefined;
}

/** Read the files the trust flags name; a bad flag or unreadable file throws one clear line. */
export function readTrust(f: Values): Trust {
  const str = (k: string) => typeof f[k] === "string" ? f[k] as string : undefined;
  const cert = str("cert");
  const key = str("key");
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error("--cert and --key go together");
  }
  const ca = str("ca-file");
  return {
    token: readToken(str("token-file")),
    insecure: f.insecure === true,
    tls: cert && key
      ? { cert: readFlagFile("--cert", cert), key: readFlagFile("--key", key) }
      : undefined,
    caCerts: ca === undefined ? [] : [readFlagFile("--ca-file", ca)],
  };
}

export { isLoopback };

/** Why `name` must not listen on `host` with `trust`, as one line; undefined when it may. */
export function exposureRefusal(name: string, host: string, trust: Trust): string | undefined {
  if (trust.token !== undefined || trust.insecure || isLoopback(host)) return undefined;
  return `${name}: refusing to listen on ${host} without a token (anyone reaching the port ` +
    `could run commands): give --token-file FILE or set DLG_TOKEN, or pass --insecure ` +
    `(e.g. for DALiuGE's Python client, which cannot send a token)`;
}
