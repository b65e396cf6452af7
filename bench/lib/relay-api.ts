// The few relay API calls a bench needs to set up: publish docs and fill their cells.
import { randomUUID } from 'node:crypto';
import { formatA1 } from '../../protocol/a1.ts';
import type { PublishResponse, RangeFormat, SharedRange } from '../../protocol/wire.ts';
import type { RelayTarget } from './processes.ts';

async function call<T>(url: string, method: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The A1 range of a `rows` × `columns` block from A1. */
export function block(rows: number, columns: number): string {
  return formatA1({ top: 1, left: 1, bottom: rows, right: columns });
}

export function publish(relay: RelayTarget, title: string, range: string): Promise<PublishResponse> {
  return call<PublishResponse>(`${relay.url}/v1/docs`, 'POST', relay.adminToken, {
    spreadsheetId: `bench-${randomUUID()}`,
    title,
    ranges: [{ sheet: 'Sheet1', range }],
  });
}

/** Publishes `count` docs, `concurrency` at a time. */
export async function publishMany(relay: RelayTarget, count: number, range: string, concurrency = 16): Promise<PublishResponse[]> {
  const docs: PublishResponse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      docs[i] = await publish(relay, `Scoreboard ${i + 1}`, range);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return docs;
}

/**
 * A scoreboard's look: a coloured bold header that stays frozen, banded rows, the last column
 * right-aligned and bold, a wider first column, a link every tenth row: five distinct styles.
 */
export function scoreboardFormat(rows: number, columns: number): RangeFormat {
  const styles = [{}, { bg: '#1a73e8', color: '#ffffff', bold: true as const, h: 'center' as const }, { bg: '#f1f3f4' }, { h: 'right' as const, bold: true as const }, { bg: '#f1f3f4', h: 'right' as const, bold: true as const }];
  const cells = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: columns }, (_, c) => (r === 0 ? 1 : (c === columns - 1 ? 3 : 0) + (r % 2 === 0 ? (c === columns - 1 ? 1 : 2) : 0))),
  );
  const links = Array.from({ length: Math.floor(rows / 10) }, (_, i): [number, number, string] => [i * 10 + 1, 0, `https://example.com/team/${i + 1}`]);
  return { styles, cells, widths: Array.from({ length: columns }, (_, c) => (c === 0 ? 160 : 80)), frozen: { rows: 1, columns: 0 }, links };
}

/** Fills a doc's whole `rows` × `columns` range with short, distinct values, and a look when asked. */
export async function fill(relay: RelayTarget, doc: PublishResponse, rows: number, columns: number, formatted = false): Promise<void> {
  const values = Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => `r${r + 1}c${c + 1}`));
  const ranges: SharedRange[] = [{ sheet: 'Sheet1', range: block(rows, columns), values, ...(formatted && { format: scoreboardFormat(rows, columns) }) }];
  await call(`${relay.url}/v1/docs/${doc.docId}/snapshot`, 'PUT', doc.ingestKey, { batchId: randomUUID(), at: Date.now(), ranges });
}

/** The doc's viewers as the relay counts them (0 once the last one left and the doc was unloaded). */
export async function viewerCount(relay: RelayTarget, docId: string): Promise<number> {
  const response = await fetch(`${relay.url}/v1/docs/${docId}`, { headers: { authorization: `Bearer ${relay.adminToken}` } });
  if (!response.ok) throw new Error(`GET /v1/docs/${docId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { viewers: number }).viewers;
}
