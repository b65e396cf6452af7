import { describe, expect, it } from 'vitest';
import { api, cell, connectViewer, eventually, postEdits, publishDoc, startRelay } from './helpers/index.ts';

describe('operations', () => {
  it('answers /healthz, /readyz and /metrics with the relay\'s own figures', async () => {
    const relay = await startRelay();
    try {
      expect((await api(relay, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await api(relay, 'GET', '/readyz'))).toMatchObject({ status: 200, body: { status: 'ready' } });
      const doc = await publishDoc(relay);
      const viewer = await connectViewer(relay, doc.shareId);
      await viewer.next('snapshot');
      await postEdits(relay, doc, [cell('A1', 'x'), cell('Z9', 'outside')]);
      await viewer.next('delta');
      await api(relay, 'GET', '/v1/shares/nope/snapshot');
      const metrics = (await api(relay, 'GET', '/metrics')).body as string;
      const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(value('sheetcast_viewers')).toBe(1);
      expect(value('sheetcast_docs_live')).toBe(1);
      expect(value('sheetcast_cells_applied_total')).toBe(1);
      expect(value('sheetcast_cells_dropped_total')).toBe(1);
      expect(value('sheetcast_batches_total{outcome="applied"}')).toBe(1);
      expect(value('sheetcast_frames_sent_total')).toBeGreaterThanOrEqual(1);
      expect(value('sheetcast_fanout_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(value('sheetcast_slow_consumer_closes_total')).toBe(0);
      expect(value('sheetcast_http_errors_total{status="404"}')).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('tags every response with a request id, keeping a sane one the caller sent', async () => {
    const relay = await startRelay();
    try {
      const mine = await fetch(`${relay.url}/healthz`, { headers: { 'x-request-id': 'nginx-abc-123' } });
      expect(mine.headers.get('x-request-id')).toBe('nginx-abc-123');
      const made = await fetch(`${relay.url}/healthz`, { headers: { 'x-request-id': 'not <sane> / id' } });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await relay.stop();
    }
  });

  it('logs requests without share ids, ingest keys or tokens', async () => {
    const relay = await startRelay({ env: { LOG_LEVEL: 'debug' } });
    try {
      const doc = await publishDoc(relay);
      await postEdits(relay, doc, [cell('A1', 'x')]);
      await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`);
      await fetch(`${relay.url}/view/${doc.shareId}`);
      const viewer = await connectViewer(relay, doc.shareId);
      await viewer.next('snapshot');
      viewer.close();
      await eventually(() => expect(relay.output()).toContain('/v1/live?share='));
    } finally {
      await relay.stop();
    }
    const log = relay.output();
    expect(log).toContain('"url":"/v1/shares/');
    for (const secret of [relay.adminToken]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/sck_/);
    expect(log).not.toMatch(/\/view\/[A-Za-z0-9_-]{8}/);
    expect(log).not.toMatch(/share=[A-Za-z0-9_-]{8}/);
  });
});
