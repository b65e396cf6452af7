// docs/protocol.md is the human-readable contract: its tables name every code the relay answers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorStatus } from '../protocol/errors.ts';
import { CloseCode } from '../protocol/wire.ts';

const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
const rows = doc.split('\n').filter((line) => line.startsWith('| '));

describe('docs/protocol.md', () => {
  it('lists every error code with the status the relay answers it with', () => {
    const listed = new Map<string, string>();
    for (const row of rows) {
      const [status, codes] = row.split('|').slice(1, 3).map((cell) => cell.trim());
      for (const [, code] of codes!.matchAll(/`([a-z_]+)`/g)) listed.set(code!, status!);
    }
    for (const [code, status] of Object.entries(ErrorStatus)) {
      // bad_request carries whatever 4xx Fastify chose.
      expect([code, listed.get(code)]).toEqual([code, code === 'bad_request' ? '4xx' : String(status)]);
    }
  });

  it('lists every close code', () => {
    for (const code of Object.values(CloseCode)) expect(rows.some((row) => row.startsWith(`| ${code} |`))).toBe(true);
  });
});
