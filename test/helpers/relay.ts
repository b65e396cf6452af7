// The real relay as a child process: started as the bench starts it, or expected to refuse its configuration.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runRelayProcess } from '../../scripts/lib/relay-process.ts';

export { freePort, runRelayProcess, startRelay, type Relay, type StartOptions } from '../../scripts/lib/relay-process.ts';

/** Starts the relay with `env` on top of a port and a data dir, expecting it to refuse; its output lines. */
export async function startRefused(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-'));
  const run = runRelayProcess({ PORT: String(await freePort()), SHEETCAST_DATA: join(dir, 'db'), ...env });
  const code = await run.exited;
  return { code, lines: run.output().trim().split('\n') };
}
