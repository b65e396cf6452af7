import { ErrorStatus, type ErrorCode } from '../protocol/errors.ts';

/** An error that becomes the spec's error shape, `{"error":{"code","message"}}`, with its code's status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = ErrorStatus[code];
    this.code = code;
  }
}

/** The one way the relay refuses a request: `throw fail('unknown_doc', 'no doc has this id')`. */
export const fail = (code: ErrorCode, message: string) => new HttpError(code, message);
