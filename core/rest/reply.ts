/** What DALiuGE answers when a call returns nothing. */
export const SUCCESS = { Status: "Success" } as const;
export const MB = 1024 * 1024;

/** What every sub-app of a tier needs to know. */
export interface RouteOptions {
  /** Largest request body, in bytes (default 10 MB, as DALiuGE). */
  maxRequestSize?: number;
}

/** The body limit `o` sets. */
export function bodyLimitOf(o: RouteOptions): number {
  return o.maxRequestSize ?? 10 * MB;
}
