// A loopback webhook endpoint for the tests: it records every delivery (verified or not) and answers
// as the test says, so a test can fail deliveries, then let them through.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from '../../protocol/webhooks.ts';
import { api, type Reply } from './http.ts';
import type { Relay } from './relay.ts';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: WebhookEvent;
  /** The status the receiver answered; 0 when it never answered. */
  status: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** The deliveries it answered with a 2xx, in order. */
  accepted(): Delivery[];
  /** What to answer the next delivery (default 204); 0 holds the request open without answering. */
  answer: (delivery: Omit<Delivery, 'status'>, index: number) => number;
  /** The `location` of a 3xx answer. */
  redirectTo: string;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const receiver: Receiver = {
    url: '',
    deliveries,
    accepted: () => deliveries.filter((d) => d.status >= 200 && d.status < 300),
    answer: () => 204,
    redirectTo: 'http://127.0.0.1:9/elsewhere',
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const received = { headers: request.headers, body, event: JSON.parse(body) as WebhookEvent };
      const status = receiver.answer(received, deliveries.length);
      deliveries.push({ ...received, status });
      if (status === 0) return;
      response.writeHead(status, status >= 300 && status < 400 ? { location: receiver.redirectTo } : {}).end();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** Checks a delivery's signature with the reference library, as a receiver would; throws when it does not verify. */
export function verify(secret: string, delivery: Delivery): unknown {
  return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
}

/** A relay that delivers to loopback receivers and retries and sweeps in tens of milliseconds. */
export const FAST_WEBHOOKS = {
  SHEETCAST_WEBHOOKS_ALLOW_PRIVATE: '1',
  SHEETCAST_WEBHOOK_RETRY_MS: '50',
  SHEETCAST_WEBHOOK_MAX_RETRY_MS: '200',
  SHEETCAST_WEBHOOK_SWEEP_MS: '100',
};

/** A 32-byte SHEETCAST_SECRET_KEY for a test relay. */
export const testSecretKey = () => randomBytes(32).toString('base64');

/** Registers a webhook on the doc as its owner; throws unless it is created. */
export async function addWebhook(relay: Relay, docId: string, url: string, token = relay.adminToken): Promise<{ id: string; secret: string }> {
  const reply: Reply = await api(relay, 'POST', `/v1/docs/${docId}/webhooks`, { token, body: { url } });
  if (reply.status !== 201) throw new Error(`webhook registration failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}
