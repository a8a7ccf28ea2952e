/** Node to node over fetch: batched Drop events, proxy Drops, Drop bytes as streams. */
export { INLINE_MAX } from "./base64.ts";
export {
  type DataSink,
  fetchDrop,
  pushDrop,
  SIZE_HEADER,
  storeStream,
  type StreamOptions,
} from "./data_stream.ts";
export { ProxyInput, RemoteConsumer, RemoteOutput } from "./proxies.ts";
export { SessionRemote } from "./remote.ts";
export { EventSender, type SenderOptions } from "./sender.ts";
