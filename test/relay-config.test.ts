// The relay's configuration is checked at start: a start with bad variables fails once, with one
// line naming each of them (SPEC.md, "Configuration"); .env.example lists every variable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../relay/config.ts';
import { startRefused } from './helpers/index.ts';

describe('bad configuration', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ SHEETCAST_ADMIN_TOKEN: 'short' }, 'SHEETCAST_ADMIN_TOKEN'],
    [{ SHEETCAST_SECRET_KEY: 'c2hvcnQ=' }, 'SHEETCAST_SECRET_KEY'],
    [{ SHEETCAST_DEMO: 'maybe' }, 'SHEETCAST_DEMO'],
    [{ SHEETCAST_MAX_CELLS_PER_REQUEST: '-5' }, 'SHEETCAST_MAX_CELLS_PER_REQUEST'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    // "every hop" is no longer a setting: it let a client choose its own address
    [{ SHEETCAST_TRUST_PROXY: 'true' }, 'SHEETCAST_TRUST_PROXY'],
    [{ SHEETCAST_TRUST_PROXY: '10.0.0.0/99' }, 'SHEETCAST_TRUST_PROXY'],
    [{ DATABASE_URL: 'mysql://localhost/sheetcast' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/sheetcast' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:1' }, 'REDIS_URL'],
  ];
  for (const [env, variable] of cases) {
    it(`fails at start with one line naming ${variable} (${Object.values(env)[0]})`, async () => {
      const { code, lines } = await startRefused(env);
      expect(code).toBe(78);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^sheetcast: bad configuration: ${variable}: `));
    });
  }

  it('fails at start once with a line naming each bad variable, in the order of .env.example', async () => {
    const { code, lines } = await startRefused({
      LOG_LEVEL: 'loud',
      PORT: 'eighty',
      REDIS_URL: 'http://127.0.0.1:6379',
      SHEETCAST_SECRET_KEY: 'c2hvcnQ=',
      // Without a client id: a problem between variables, reported after each variable's own.
      GOOGLE_CLIENT_SECRET: 'secret',
      SHEETCAST_PING_MS: '5',
    });
    expect(code).toBe(78);
    expect(lines.map((line) => line.match(/^sheetcast: bad configuration: ([A-Z_]+): /)?.[1])).toEqual([
      'PORT',
      'REDIS_URL',
      'SHEETCAST_SECRET_KEY',
      'LOG_LEVEL',
      'SHEETCAST_PING_MS',
      'GOOGLE_CLIENT_IDS',
    ]);
    // A key that is there but bad is reported as bad, not also as missing.
    expect(lines[2]).toContain('must be 32 bytes');
  });
});

describe('.env.example', () => {
  const lines = readFileSync(new URL('../.env.example', import.meta.url), 'utf8').split('\n');
  const assignments = lines.flatMap((line) => {
    const match = /^(# ?)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match ? [{ commented: match[1] !== undefined, name: match[2]!, value: match[3]! }] : [];
  });

  it('lists every variable the relay reads, and no other', () => {
    expect(assignments.map((a) => a.name).sort()).toEqual(Object.keys(VARIABLES).sort());
  });

  it('sets each variable that has a fixed default to that default, and leaves the others commented out', () => {
    for (const [name, variable] of Object.entries(VARIABLES)) {
      const fallback: unknown = variable.fallback;
      const assignment = assignments.find((a) => a.name === name)!;
      if (fallback === undefined) expect(assignment.commented, name).toBe(true);
      else expect(assignment, name).toEqual({ commented: false, name, value: typeof fallback === 'boolean' ? (fallback ? '1' : '0') : String(fallback) });
    }
  });
});
