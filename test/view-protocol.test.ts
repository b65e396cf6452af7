// The view's protocol client in Chromium against a scripted live endpoint: it is how we make
// the relay misbehave on purpose (a skipped seq, a dropped socket, each close code).
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { CloseCode, LIVE_PATH } from '../protocol/wire.ts';
import type { LiveFrame } from '../protocol/wire.ts';
import { backoffDelay, TOO_MANY_MIN_DELAY_MS } from '../client/src/backoff.ts';
import { cellText, openPage, useBrowser } from './helpers/browser.ts';
import type { StaticSite } from './helpers/browser.ts';

/** What the scripted relay does with the n-th connection (from 1) for a share. */
type Script = (socket: WebSocket, query: URLSearchParams, n: number) => void;

/** A deadline for conditions that hold within moments on a quiet machine. */
const SOON = { timeout: 10_000 };

const scripts = new Map<string, Script>();
const connections = new Map<string, URLSearchParams[]>();
const world = useBrowser();
let site: StaticSite;

function send(socket: WebSocket, frame: LiveFrame): void {
  socket.send(JSON.stringify(frame));
}

const SNAPSHOT = {
  type: 'snapshot',
  epoch: 7,
  seq: 10,
  title: 'Scores',
  ranges: [{ sheet: 'Sheet1', range: 'A1:B2', values: [['a1', 'b1'], ['a2', 'b2']] }],
} as const satisfies LiveFrame;

async function openShare(share: string, script: Script): Promise<Page> {
  scripts.set(share, script);
  const page = await openPage(world.browser);
  await page.goto(`${site.url}/page?share=${share}`);
  return page;
}

function statusText(page: Page): Promise<string | null> {
  return page.locator('sheetcast-view [role=status]').textContent();
}

function messageText(page: Page): Promise<string | null> {
  return page.locator('sheetcast-view .message').textContent({ timeout: 1_000 }).catch(() => null);
}

beforeAll(async () => {
  const embed = await readFile(new URL('../dist/sidebar/embed.js', import.meta.url));
  site = await world.serveSite({
    '/embed.js': { body: embed, type: 'text/javascript' },
    '/page': {
      body: `<!doctype html><meta charset="utf-8"><script src="/embed.js"></script>
        <script>document.addEventListener('DOMContentLoaded', () => {
          const view = document.createElement('sheetcast-view');
          view.share = new URLSearchParams(location.search).get('share');
          document.body.append(view);
        });</script>`,
    },
  });
  const live = new WebSocketServer({ server: site.server, path: LIVE_PATH });
  live.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const query = new URL(request.url ?? '', 'http://x').searchParams;
    const share = query.get('share') ?? '';
    const seen = connections.get(share) ?? [];
    seen.push(query);
    connections.set(share, seen);
    scripts.get(share)?.(socket, query, seen.length);
  });
});

describe('the view protocol client', () => {
  it('shows the snapshot, then applies each delta whose seq is the previous plus one', async () => {
    const page = await openShare('steady', (socket) => {
      send(socket, SNAPSHOT);
      send(socket, { type: 'delta', seq: 11, changes: [{ sheet: 'Sheet1', range: 'A1:B1', values: [['one', null]] }] });
      send(socket, { type: 'delta', seq: 12, changes: [{ sheet: 'Sheet1', range: 'B2', values: [['two']] }] });
      send(socket, { type: 'presence', viewers: 3 });
    });
    await expect.poll(() => cellText(page, 'B2'), SOON).toBe('two');
    expect(await cellText(page, 'A1')).toBe('one');
    expect(await cellText(page, 'B1')).toBe('b1');
    expect(await statusText(page)).toBe('Live');
    await expect.poll(() => page.locator('sheetcast-view .viewers').textContent(), SOON).toBe('3 viewers');
  });

  it('reconnects with the last epoch and seq when a delta skips a seq, and never applies the skipped-ahead delta', async () => {
    const page = await openShare('gap', (socket, _query, n) => {
      if (n === 1) {
        send(socket, SNAPSHOT);
        send(socket, { type: 'delta', seq: 11, changes: [{ sheet: 'Sheet1', range: 'A1', values: [['one']] }] });
        send(socket, { type: 'delta', seq: 13, changes: [{ sheet: 'Sheet1', range: 'B1', values: [['skipped ahead']] }] });
      } else {
        send(socket, { type: 'delta', seq: 12, changes: [{ sheet: 'Sheet1', range: 'A2', values: [['two']] }] });
        send(socket, { type: 'delta', seq: 13, changes: [{ sheet: 'Sheet1', range: 'B2', values: [['three']] }] });
      }
    });
    await expect.poll(() => cellText(page, 'B2'), SOON).toBe('three');
    expect(await cellText(page, 'A1')).toBe('one');
    expect(await cellText(page, 'A2')).toBe('two');
    expect(await cellText(page, 'B1')).toBe('b1');
    const [first, second] = connections.get('gap')!;
    expect(first!.has('epoch')).toBe(false);
    expect(Object.fromEntries(second!)).toEqual({ share: 'gap', epoch: '7', seq: '11' });
  });

  it('keeps the values on screen while the socket is down and resumes from the last seq', async () => {
    const page = await openShare('drop', (socket, _query, n) => {
      if (n === 1) {
        send(socket, SNAPSHOT);
        send(socket, { type: 'delta', seq: 11, changes: [{ sheet: 'Sheet1', range: 'A1', values: [['before']] }] });
        setTimeout(() => socket.terminate(), 200);
      } else if (n === 2) {
        // The relay is "down": refuse once, so the view has to back off and try again.
        socket.close(1011, 'restarting');
      } else {
        send(socket, { type: 'delta', seq: 12, changes: [{ sheet: 'Sheet1', range: 'A2', values: [['after']] }] });
      }
    });
    await expect.poll(() => messageText(page), { timeout: 10_000 }).toContain('reconnecting');
    expect(await cellText(page, 'A1')).toBe('before');
    await expect.poll(() => cellText(page, 'A2'), { timeout: 20_000 }).toBe('after');
    expect(await statusText(page)).toBe('Live');
    expect(await messageText(page)).toBeNull();
    for (const query of connections.get('drop')!.slice(1)) expect(Object.fromEntries(query)).toEqual({ share: 'drop', epoch: '7', seq: '11' });
  });

  it('resumes at once after a 4408 "too slow" close', async () => {
    const page = await openShare('slow', (socket, _query, n) => {
      if (n === 1) {
        send(socket, SNAPSHOT);
        socket.close(CloseCode.TooSlow, 'too slow');
      } else send(socket, { type: 'delta', seq: 11, changes: [{ sheet: 'Sheet1', range: 'A1', values: [['caught up']] }] });
    });
    await expect.poll(() => cellText(page, 'A1'), SOON).toBe('caught up');
    expect(Object.fromEntries(connections.get('slow')![1]!)).toEqual({ share: 'slow', epoch: '7', seq: '10' });
  });

  it('says in words that there are too many connections after a 4429 close, and tries again later', async () => {
    const page = await openShare('crowded', (socket, _query, n) => {
      if (n === 1) socket.close(CloseCode.TooManyConnections, 'too many');
      else send(socket, SNAPSHOT);
    });
    await expect.poll(() => messageText(page), SOON).toContain('Too many open connections');
    await expect.poll(() => cellText(page, 'A1'), { timeout: 25_000 }).toBe('a1');
  });

  const finalCloses = [
    [CloseCode.SignInNeeded, 'sign in with a Google account', 'Sign in with Google'],
    [CloseCode.NotAllowed, 'not on the list of people', 'Sign in with another account'],
    [CloseCode.UnknownShare, 'This sheet is not published', null],
  ] as const;
  for (const [code, words, signIn] of finalCloses) {
    it(`explains a ${code} close in words and stops reconnecting`, async () => {
      const page = await openShare(`final-${code}`, (socket) => socket.close(code, 'no'));
      await expect.poll(() => messageText(page), SOON).toContain(words);
      expect(await statusText(page)).toBe('Not available');
      const link = await page.locator('sheetcast-view .message a').textContent({ timeout: 1_000 }).catch(() => null);
      expect(link).toBe(signIn);
      expect(connections.get(`final-${code}`)).toHaveLength(1);
    });
  }

  it('says the publisher stopped sharing when the relay sends "closed" before 4404, and clears the cells', async () => {
    const page = await openShare('unpublished', (socket) => {
      send(socket, SNAPSHOT);
      send(socket, { type: 'closed', reason: 'unpublished' });
      socket.close(CloseCode.UnknownShare, 'unpublished');
    });
    await expect.poll(() => messageText(page), SOON).toBe('The publisher stopped sharing this sheet.');
    expect(await statusText(page)).toBe('Not available');
    expect(await page.locator('sheetcast-view td').count()).toBe(0);
  });
});

describe('reconnect backoff', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 15_000 };

  it('doubles the delay ceiling with each attempt up to the maximum, jittered between half and all of it', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(15_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, 1006, options, 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, 1006, options, 0.999_999)).toBeCloseTo(ceiling, 0);
    }
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(4, 1006, options)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('waits at least five seconds after a 4429 "too many connections" close', () => {
    for (const random of [0, 0.5, 0.99]) expect(backoffDelay(0, CloseCode.TooManyConnections, options, random)).toBeGreaterThanOrEqual(TOO_MANY_MIN_DELAY_MS);
  });
});
