/** Node to node over fetch: batched Drop events, proxy Drops, Drop bytes as streams. */
export { fetchDrop, pushDrop, storeStream } from "./data_stream.ts";
export { ProxyInput, RemoteConsumer, RemoteOutput } from "./proxies.ts";
export { edgeOf, SessionRemote } from "./remote.ts";
export { EventSender } from "./sender.ts";
export { INLINE_MAX, type WireEvent, WireEventList, WireEventSchema } from "./wire.ts";
