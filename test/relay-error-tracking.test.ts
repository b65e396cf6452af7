// SENTRY_DSN pointed at a loopback receiver: a 5xx answer and an unhandled rejection each arrive
// as a Sentry event with the request id and doc id, and no secret from the request.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, publishDoc, startRelay, type Relay } from './helpers/index.ts';
import { freshDatabase } from './helpers/services.ts';
import { plantRejection } from './helpers/plant.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';

let receiver: Server;
let dsn: string;
const envelopes: string[] = [];
let database: Awaited<ReturnType<typeof freshDatabase>>;
let postgres: TcpProxy;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      envelopes.push(String(request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  dsn = `http://publickey@127.0.0.1:${(receiver.address() as { port: number }).port}/1`;
  database = await freshDatabase();
  postgres = await startTcpProxy(database.url);
});
afterAll(async () => {
  await postgres?.close();
  await database?.drop();
  await new Promise((resolve) => receiver.close(resolve));
});

/** The exception events received, each with its tags and the envelope's whole text. */
function events(): { tags: Record<string, string>; message: string; raw: string }[] {
  return envelopes.flatMap((raw) =>
    raw.split('\n').flatMap((line) => {
      const item = JSON.parse(line || 'null');
      return item?.exception ? [{ tags: item.tags ?? {}, message: item.exception.values?.[0]?.value ?? '', raw }] : [];
    }),
  );
}

describe('with SENTRY_DSN', () => {
  let relay: Relay;
  const plant = plantRejection('planted for the tracker');
  beforeAll(async () => {
    relay = await startRelay({ env: { SENTRY_DSN: dsn, DATABASE_URL: postgres.via(database.url), ...plant.env }, nodeFlags: plant.nodeFlags });
  });
  afterAll(() => relay?.stop());

  it('reports a 5xx answer with its request id and doc id, without the request\'s credentials', async () => {
    const doc = await publishDoc(relay);
    postgres.cut();
    try {
      const reply = await api(relay, 'GET', `/v1/docs/${doc.docId}`, { token: relay.adminToken });
      expect(reply.status).toBe(503);
      const requestId = reply.headers.get('x-request-id')!;
      const event = await eventually(() => {
        const found = events().find((e) => e.tags.requestId === requestId);
        expect(found).toBeDefined();
        return found!;
      });
      expect(event.tags.docId).toBe(doc.docId);
      expect(event.raw).not.toContain(relay.adminToken);
    } finally {
      postgres.restore();
    }
  });

  it('reports an unhandled rejection', async () => {
    plant.fire();
    await eventually(() => expect(events().some((e) => e.message === 'planted for the tracker' && e.tags.kind === 'unhandled_rejection')).toBe(true));
  });
});
