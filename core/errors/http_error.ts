/**
 * The one error type that crosses the REST boundary. `type` is the DALiuGE exception class name,
 * because Python clients rebuild exceptions by that name; `args` is what they pass to it.
 */
import type { DlgErrorType } from "../wire/mod.ts";

/** The statuses DALiuGE's managers answer errors with (555/556: its own). */
export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 501 | 555 | 556;

/** An error as it travels: `{"type", "args"}` (a child's type may be any name it sent). */
export interface ErrorBody {
  type: string;
  args: unknown;
}

export interface HttpErrorOptions {
  /** What goes out as `args` (default: `[message]`). */
  args?: unknown;
  /** The error this one reports. */
  cause?: unknown;
}

export class HttpError extends Error {
  readonly status: HttpStatus;
  readonly type: DlgErrorType;
  readonly args: unknown;

  constructor(status: HttpStatus, type: DlgErrorType, message: string, o: HttpErrorOptions = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = "HttpError";
    this.status = status;
    this.type = type;
    this.args = o.args ?? [message];
  }

  /** The JSON body DALiuGE clients expect: `{"type", "args"}`. */
  toJSON(): ErrorBody {
    return { type: this.type, args: this.args };
  }
}
