// Google's configuration is checked at start like the rest: one bad variable, one line naming it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startRefused, startRelay } from './helpers/index.ts';

const KEY = randomBytes(32).toString('base64');
const OAUTH = { GOOGLE_CLIENT_IDS: 'web-client', GOOGLE_CLIENT_SECRET: 'secret', SHEETCAST_SECRET_KEY: KEY };

describe('bad Google configuration', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['an OAuth client secret without a key to seal tokens with', { GOOGLE_CLIENT_IDS: 'web-client', GOOGLE_CLIENT_SECRET: 'secret' }, 'SHEETCAST_SECRET_KEY'],
    ['an OAuth client secret without a client id', { GOOGLE_CLIENT_SECRET: 'secret', SHEETCAST_SECRET_KEY: KEY }, 'GOOGLE_CLIENT_IDS'],
    ['a renewal margin as long as the channel', { ...OAUTH, SHEETCAST_DRIVE_CHANNEL_TTL_MS: '3600000', SHEETCAST_DRIVE_CHANNEL_RENEW_MS: '3600000' }, 'SHEETCAST_DRIVE_CHANNEL_RENEW_MS'],
    ['a project number that is not a number', { ...OAUTH, GOOGLE_CLOUD_PROJECT_NUMBER: 'my-project' }, 'GOOGLE_CLOUD_PROJECT_NUMBER'],
    ['a session of no hours', { ...OAUTH, SHEETCAST_SESSION_HOURS: '0' }, 'SHEETCAST_SESSION_HOURS'],
  ];
  for (const [what, env, variable] of cases) {
    it(`fails at start with one line naming ${variable}: ${what}`, async () => {
      const { code, lines } = await startRefused(env);
      expect(code).toBe(78);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^sheetcast: bad configuration: ${variable}: `));
    });
  }
});

it('answers the Google routes with 503 and says what is missing when Google is not configured', async () => {
  const relay = await startRelay();
  try {
    const reply = await fetch(`${relay.url}/auth/google/start`, { redirect: 'manual' });
    expect(reply.status).toBe(503);
    expect((await reply.json()).error).toMatchObject({ code: 'google_not_configured' });
    expect((await fetch(`${relay.url}/webhooks/drive`, { method: 'POST', headers: { 'x-goog-channel-id': 'x' } })).status).toBe(404);
  } finally {
    await relay.stop();
  }
});
