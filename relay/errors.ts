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

const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** The database or Redis did not answer (refused, dropped, shutting down): the same request may work shortly. */
export function isOutage(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|The client is closed/i.test(message);
}

/** The one way the relay refuses a request: `throw fail('unknown_doc', 'no doc has this id')`. */
export const fail = (code: ErrorCode, message: string) => new HttpError(code, message);
