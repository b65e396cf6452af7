// deploy/alerts.yml and deploy/grafana-dashboard.json: Prometheus's own promtool checks the rules
// and runs their unit tests, and every metric they query is one a running relay really exports.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, postEdits, publishDoc, startRelay, type Relay } from './helpers/index.ts';
import { addonIdToken, oauthFlow, startGoogleRelay } from './helpers/google.ts';
import { TEST_REDIS_URL } from './helpers/services.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';

const deployFile = (name: string) => new URL(`../deploy/${name}`, import.meta.url).pathname;
const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: deployFile(''), encoding: 'utf8' });

/** The `sheetcast_*` names an alert or panel queries, a histogram's series by its own name. */
function queriedMetrics(text: string): Set<string> {
  return new Set([...text.matchAll(/\bsheetcast_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')));
}

/** `name{labels} value` from a /metrics page; NaN when absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

let relay: Relay;

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  await relay?.stop();
});

describe('deploy/alerts.yml', () => {
  it('is valid Prometheus rules', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 8 rules found');
  });

  it('fires each tested alert when its condition holds, and not before', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});

describe('the metrics the alerts and the dashboard query', () => {
  it('are all exported by a running relay', async () => {
    const exported = new Set([...((await api(relay, 'GET', '/metrics')).body as string).matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name!));
    const dashboard = JSON.parse(readFileSync(deployFile('grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join('\n');
    for (const text of [readFileSync(deployFile('alerts.yml'), 'utf8'), exprs]) {
      const queried = [...queriedMetrics(text)];
      expect(queried.length).toBeGreaterThan(5);
      expect(queried.filter((name) => !exported.has(name))).toEqual([]);
    }
  });

  it('count responses by status class and refused edits by status, apart from other errors', async () => {
    const doc = await publishDoc(relay);
    expect((await postEdits(relay, { ...doc, ingestKey: 'not-the-key' }, [])).status).toBe(401);
    expect((await api(relay, 'GET', '/v1/no-such-route')).status).toBe(404);
    const metrics = (await api(relay, 'GET', '/metrics')).body as string;
    expect(sample(metrics, 'sheetcast_ingest_errors_total{status="401"}')).toBe(1);
    expect(sample(metrics, 'sheetcast_ingest_errors_total{status="404"}')).toBeNaN();
    expect(sample(metrics, 'sheetcast_http_requests_total{class="4xx"}')).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'sheetcast_http_requests_total{class="2xx"}')).toBeGreaterThanOrEqual(1);
  });

  it('tell whether /readyz answers 200 at the time of the scrape: 0 while Redis is cut off, 1 once it is back', async () => {
    const redis = await startTcpProxy(TEST_REDIS_URL);
    const bused = await startRelay({ env: { REDIS_URL: redis.via(TEST_REDIS_URL) } });
    const ready = async () => sample((await api(bused, 'GET', '/metrics')).body as string, 'sheetcast_ready');
    try {
      expect(await ready()).toBe(1);
      redis.cut();
      await eventually(async () => expect(await ready()).toBe(0));
      expect((await api(bused, 'GET', '/readyz')).status).toBe(503);
      redis.restore();
      await eventually(async () => expect(await ready()).toBe(1), { timeoutMs: 15_000 });
    } finally {
      await bused.stop();
      await redis.close();
    }
  });

  it('count Drive channel renewals that fail', async () => {
    // Channels due at once and checked every second, so renewal runs while Google is unreachable.
    const env = { SHEETCAST_DRIVE_CHANNEL_TTL_MS: '60000', SHEETCAST_DRIVE_CHANNEL_RENEW_MS: '59000', SHEETCAST_DRIVE_CHANNEL_CHECK_MS: '1000' };
    const { google, relay: connected, stop } = await startGoogleRelay({ env });
    try {
      google.spreadsheet('watched').setValues('Sheet1', 'A1', [['1']]);
      const ranges = [{ sheet: 'Sheet1', range: 'A1' }];
      const doc = await publishDoc(connected, { spreadsheetId: 'watched', ranges }, addonIdToken(google, 'alice@example.com'));
      expect((await oauthFlow(connected, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId })).callback.status).toBe(200);
      const failures = async () => sample((await api(connected, 'GET', '/metrics')).body as string, 'sheetcast_drive_channel_renewal_failures_total');
      expect(await failures()).toBe(0);
      await google.close();
      await eventually(async () => expect(await failures()).toBeGreaterThan(0), { timeoutMs: 10_000 });
    } finally {
      await stop().catch(() => {});
    }
  });
});
