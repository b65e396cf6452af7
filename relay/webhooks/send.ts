// One delivery attempt: a POST to the endpoint that counts as delivered only on a 2xx. Redirects are
// never followed (a 3xx fails), and without private targets allowed the socket connects only to an
// address the guarded lookup checked.
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, RefusedTarget, refusedLiteral } from './target.ts';

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

export type SendOutcome = { ok: true; status: number } | { ok: false; error: string; refused?: boolean };

/**
 * Connections are kept between deliveries (an endpoint gets its events one after another). A kept
 * connection goes to the address checked when it was opened; a new one is checked again.
 */
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** How much of an answer's body is read (and thrown away) before the socket is let go. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function send(url: URL, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendOutcome> {
  const literal = options.allowPrivate ? null : refusedLiteral(url);
  if (literal) return Promise.resolve({ ok: false, error: `refused: ${url.hostname} → ${literal}`, refused: true });
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Sheetcast-Webhooks/1' },
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
        agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('error', () => {});
        response.on('close', () => settle(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, error: answerError(status, response.headers.location) }));
      },
    );
    const timer = setTimeout(() => {
      settle({ ok: false, error: `no answer within ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedTarget) settle({ ok: false, error: `refused: ${error.message}`, refused: true });
      else settle({ ok: false, error: `${error.code ?? error.name}: ${error.message}` });
    });
    request.end(body);
  });
}

function answerError(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) return `answered ${status} (a redirect${location ? ` to ${location.slice(0, 200)}` : ''}); redirects are not followed`;
  return `answered ${status}`;
}
