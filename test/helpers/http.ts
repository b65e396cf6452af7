// Talking to the relay's HTTP API as the add-on and publishers do.
import { randomUUID } from 'node:crypto';
import type { IngestResult, PublishRequest, PublishResponse, RangeFormatChange, RangeValues, SharedRange, ShareSnapshot } from '../../protocol/wire.ts';
import type { Relay } from './relay.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  relay: Relay,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(relay.url + path, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export const DEFAULT_DOC: PublishRequest = {
  spreadsheetId: 'spreadsheet-1',
  title: 'Scores',
  ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }],
};

export async function publishDoc(relay: Relay, body: Partial<PublishRequest> = {}, token = relay.adminToken): Promise<PublishResponse> {
  const reply = await api<PublishResponse>(relay, 'POST', '/v1/docs', { token, body: { ...DEFAULT_DOC, ...body } });
  if (reply.status !== 201) throw new Error(`publish failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export interface BatchOptions {
  batchId?: string;
  at?: number;
  /** New whole-range formats, sent beside the edits. */
  formats?: RangeFormatChange[];
}

export function postEdits(relay: Relay, doc: PublishResponse, edits: RangeValues[], options: BatchOptions = {}): Promise<Reply<IngestResult>> {
  return api(relay, 'POST', `/v1/docs/${doc.docId}/edits`, {
    token: doc.ingestKey,
    body: { batchId: options.batchId ?? randomUUID(), at: options.at ?? Date.now(), edits, ...(options.formats && { formats: options.formats }) },
  });
}

export function putSnapshot(relay: Relay, doc: PublishResponse, ranges: SharedRange[], options: BatchOptions = {}): Promise<Reply<IngestResult>> {
  return api(relay, 'PUT', `/v1/docs/${doc.docId}/snapshot`, {
    token: doc.ingestKey,
    body: { batchId: options.batchId ?? randomUUID(), at: options.at ?? Date.now(), ranges },
  });
}

/** One cell edit on Sheet1. */
export function cell(range: string, value: string, sheet = 'Sheet1'): RangeValues {
  return { sheet, range, values: [[value]] };
}

export async function snapshotOf(relay: Relay, shareId: string) {
  const reply = await api(relay, 'GET', `/v1/shares/${shareId}/snapshot`);
  if (reply.status !== 200) throw new Error(`snapshot failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as ShareSnapshot;
}
