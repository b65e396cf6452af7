/** An error that becomes the spec's error shape: `{"error":{"code","message"}}` with `status`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
export const tooLarge = (code: string, message: string) => new HttpError(413, code, message);
