import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectViewer, eventually, freePort, runRelayProcess, type Relay } from './helpers/index.ts';

describe('npm start with no configuration at all', () => {
  it('prints the view URL of a demo doc whose page is served and whose cells change live', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'sheetcast-'));
    // Nothing but the port and a data dir: what a new user has after `npm install && npm start`.
    const run = runRelayProcess({ PORT: String(port), SHEETCAST_DATA: join(dir, 'sheetcast.db') });
    try {
      const url = await eventually(() => {
        const match = /Sheetcast demo: a live scoreboard at (http:\/\/localhost:\d+\/view\/([A-Za-z0-9_-]+))/.exec(run.output());
        if (!match) throw new Error(`no demo URL yet:\n${run.output()}`);
        return match;
      });
      expect(url[1]).toBe(`http://localhost:${port}/view/${url[2]}`);
      const page = await fetch(url[1]!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);

      const relay = { wsUrl: `ws://127.0.0.1:${port}` } as Relay;
      const viewer = await connectViewer(relay, url[2]!);
      const snapshot = await viewer.next('snapshot');
      expect(snapshot.ranges[0]!.values[1]).toEqual(['Team', 'Played', 'Won', 'Drawn', 'Points']);
      // Formatted as a publisher would: a merged title over a frozen header.
      expect(snapshot.ranges[0]!.format).toMatchObject({ merges: [[0, 0, 1, 5], expect.any(Array)], frozen: { rows: 2, columns: 0 } });
      const delta = await viewer.next('delta');
      expect(delta.seq).toBe(snapshot.seq + 1);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  });
});
