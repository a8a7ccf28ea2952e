/** What nodes send each other: Drop events, in batches (`POST /api/sessions/<sid>/events`). */
import * as v from "valibot";

export const WireEventSchema = v.object({
  type: v.picklist(["dropCompleted", "producerFinished"]),
  /** The Drop that fired the event. */
  uid: v.string(),
  /** producerFinished: the local data Drop it is for. */
  to: v.optional(v.string()),
  status: v.pipe(v.number(), v.integer()),
  /** dropCompleted: bytes held by the Drop (0: nothing to read). */
  size: v.optional(v.number()),
  /** Small payloads travel inline, base64. */
  data: v.optional(v.string()),
});
export type WireEvent = v.InferOutput<typeof WireEventSchema>;

export const WireEventList = v.array(WireEventSchema, "the body must be a JSON list of events");

/** Payloads up to this size go inline in the event instead of a separate stream. */
export const INLINE_MAX = 16 * 1024;

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const enc = encodeURIComponent;

export function eventsUrl(peer: string, sessionId: string): string {
  return `${peer}/api/sessions/${enc(sessionId)}/events`;
}

export function dataUrl(peer: string, sessionId: string, uid: string): string {
  return `${peer}/api/sessions/${enc(sessionId)}/drops/${enc(uid)}/data`;
}
