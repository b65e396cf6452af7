// A blocking HTTP request, as UrlFetchApp.fetch is: a worker thread does the real fetch while
// this thread waits. The relay runs in its own process, so blocking here never blocks it.
import { Worker } from 'node:worker_threads';
import { ANSWER_SOURCE, callBlocking } from './blocking.ts';

export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  followRedirects: boolean;
  timeoutMs: number;
}

export type SyncResponse =
  | { ok: true; status: number; headers: Record<string, string>; body: string }
  | { ok: false; error: string };

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
${ANSWER_SOURCE}
answerWith(parentPort, async (request) => {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const headers = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { ok: true, status: response.status, headers, body: await response.text() };
  } catch (error) {
    const cause = error && error.cause;
    return { ok: false, error: String((cause && (cause.code || cause.message)) || (error && error.message) || error) };
  }
});
`;

export class SyncFetcher {
  private _worker: Worker | null = null;

  fetch(request: SyncRequest): SyncResponse {
    this._worker ??= new Worker(WORKER_SOURCE, { eval: true });
    this._worker.unref();
    const answer = callBlocking<SyncResponse>(this._worker, request, request.timeoutMs + 5_000);
    return 'blockingError' in answer ? { ok: false, error: answer.blockingError } : answer;
  }

  async close(): Promise<void> {
    await this._worker?.terminate();
    this._worker = null;
  }
}
