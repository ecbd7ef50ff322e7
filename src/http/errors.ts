// The HTTP edge's refusals and the one table that turns them into statuses (and the headers a
// status needs). Anything else thrown while answering is a fault: 500, logged, never shown.
// HttpError has the shape of core's ToolgateError (code, message, cause) without importing it:
// http/ and core/ share the bottom layer, and areas on one layer stay independent.

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  host_not_allowed: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
} as const;

export type HttpErrorCode = keyof typeof STATUS;

/** Headers a status requires: a 401 names its scheme (RFC 9110); after a 413 the rest of the body is not read. */
const HEADERS: Partial<Record<HttpErrorCode, Record<string, string>>> = {
  unauthorized: { 'www-authenticate': 'Bearer realm="toolgate"' },
  payload_too_large: { connection: 'close' },
};

/** A refusal: its message is for the client and says what to change. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: HttpErrorCode, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.code = code;
    this.status = STATUS[code];
    this.headers = { ...HEADERS[code], ...options.headers };
  }
}

/** How one failure is answered. */
export interface ErrorReply {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
  /** A fault, not a refusal: log it under its cause, and do not show its message. */
  internal: boolean;
}

/** The answer to a failure: a refusal as it is, any other error as a generic 500. */
export function errorReply(err: unknown): ErrorReply {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, headers: err.headers, internal: false };
  return { status: 500, code: 'internal', message: 'internal error', headers: {}, internal: true };
}
