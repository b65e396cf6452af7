// /privacy and /terms on real relays: the relay's own texts say what this configuration stores and
// logs (and nothing it does not), an operator's Markdown files replace them, and a file the relay
// cannot read stops it at start, naming the variable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRefused, startRelay, type Relay } from './helpers/index.ts';
import { startGoogleRelay } from './helpers/google.ts';
import { TEST_REDIS_URL } from './helpers/services.ts';

const started: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const relay of started) await relay.stop();
});

async function relayWith(env: Record<string, string>): Promise<Relay> {
  const relay = await startRelay({ env });
  started.push(relay);
  return relay;
}

async function page(relay: Relay, path: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(relay.url + path);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** The page's text without tags, on one line, as a reader sees it. */
const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');

const manifestScopes = (JSON.parse(readFileSync(new URL('../appsscript.json', import.meta.url), 'utf8')) as { oauthScopes: string[] }).oauthScopes;

describe('the default privacy policy', () => {
  it('on a relay without Google: what it stores, no Google data, the request log and that the relay keeps no copy', async () => {
    const relay = await relayWith({ LOG_LEVEL: 'info', SHEETCAST_OPERATOR_NAME: 'Otter Leagues Ltd', SHEETCAST_OPERATOR_CONTACT: 'privacy@otters.example' });
    const { status, text, headers } = await page(relay, '/privacy');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    const said = words(text);
    expect(said).toContain('run by Otter Leagues Ltd privacy@otters.example , called "the operator"');
    expect(said).toContain('the last 1000 changes');
    expect(said).toContain('stored only as a SHA-256 hash');
    expect(said).toContain("the client's IP address");
    expect(said).toContain('The relay keeps no copy of its log');
    expect(said).toContain('in its memory');
    expect(said).not.toContain('Redis');
    expect(said).toContain('Backups the operator takes of the database keep what it held then');
    // The admin token can publish private sheets, so allow lists exist; Google does not.
    expect(said).toContain('Allow lists');
    for (const absent of ['Google user data', 'Limited Use', 'sign in with Google', 'AES-256-GCM', 'Sentry', ...manifestScopes]) expect(said).not.toContain(absent);
  });

  it('on a relay with Google: sign-in cookies, sealed tokens, allow lists, Limited Use and every scope of the add-on and the relay', async () => {
    const world = await startGoogleRelay();
    started.push(world);
    const said = words((await page(world.relay, '/privacy')).text);
    for (const present of ['signs in with Google', 'for 24 hours', 'sealed with AES-256-GCM', 'Allow lists', 'Limited Use requirements', 'Google API Services User Data Policy']) {
      expect(said).toContain(present);
    }
    for (const scope of [...manifestScopes, 'https://www.googleapis.com/auth/drive.file', 'email']) expect(said).toContain(scope);
    expect(said).toContain('has not published their name');
  });

  it('follows the log level, Redis and the error tracker', async () => {
    const silent = words((await page(await relayWith({ LOG_LEVEL: 'silent' }), '/privacy')).text);
    expect(silent).toContain('The relay writes no log at all.');
    expect(silent).not.toContain('IP address, the status');

    const warnings = words((await page(await relayWith({ LOG_LEVEL: 'warn', REDIS_URL: TEST_REDIS_URL, SENTRY_DSN: 'http://key@127.0.0.1:9/1' }), '/privacy')).text);
    expect(warnings).toContain('The relay writes no line per request');
    expect(warnings).toContain('in Redis');
    expect(warnings).toContain('through Redis, which does not keep them');
    expect(warnings).toContain("reported to the operator's error tracker (Sentry)");
  });

  it('says that nobody is stored when only the demo publishes', async () => {
    const relay = await relayWith({ SHEETCAST_ADMIN_TOKEN: '', SHEETCAST_DEMO: '1' });
    const said = words((await page(relay, '/privacy')).text);
    expect(said).toContain('no account of any person is stored');
    expect(said).not.toContain('Allow lists');
  });
});

describe("the operator's own texts", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-policies-'));

  it('serves their Markdown as HTML, showing raw HTML as text and refusing script links', async () => {
    writeFileSync(join(dir, 'privacy.md'), '# Our privacy\n\nWe are **Heron Co.** — see [our site](https://heron.example).\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n');
    writeFileSync(join(dir, 'terms.md'), '# Our terms\n\n| who | what |\n|---|---|\n| you | publish |\n');
    const relay = await relayWith({ SHEETCAST_PRIVACY_FILE: join(dir, 'privacy.md'), SHEETCAST_TERMS_FILE: join(dir, 'terms.md'), SHEETCAST_OPERATOR_NAME: 'Heron Co.' });
    const privacy = (await page(relay, '/privacy')).text;
    expect(privacy).toContain('<h1>Our privacy</h1>');
    expect(privacy).toContain('<strong>Heron Co.</strong>');
    expect(privacy).toContain('<a href="https://heron.example">our site</a>');
    expect(privacy).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(privacy).not.toContain('<script>alert');
    expect(privacy).not.toContain('href="javascript:');
    expect(privacy).toContain('This relay is run by Heron Co.');
    const terms = (await page(relay, '/terms')).text;
    expect(terms).toContain('<td>publish</td>');
    expect(terms).not.toContain('Terms of service</h1>');
  });

  it('stops the relay at start when a file cannot be read, naming the variable', async () => {
    const missing = await startRefused({ SHEETCAST_PRIVACY_FILE: join(dir, 'nowhere.md') });
    expect(missing.code).toBe(78);
    expect(missing.lines).toContain(`sheetcast: bad configuration: SHEETCAST_PRIVACY_FILE: must be a readable file, but "${join(dir, 'nowhere.md')}" cannot be read: there is no such file`);
    const directory = await startRefused({ SHEETCAST_TERMS_FILE: dir, SHEETCAST_OPERATOR_CONTACT: 'not a contact' });
    expect(directory.lines).toEqual([
      'sheetcast: bad configuration: SHEETCAST_OPERATOR_CONTACT: must be an email address or an http(s) URL, got "not a contact"',
      `sheetcast: bad configuration: SHEETCAST_TERMS_FILE: must be a readable file, but "${dir}" cannot be read: it is a directory`,
    ]);
  });
});

describe('the default terms', () => {
  it('name the operator and link the privacy policy', async () => {
    const relay = await relayWith({ SHEETCAST_OPERATOR_NAME: 'Lynx & Co', SHEETCAST_OPERATOR_CONTACT: 'https://lynx.example/contact' });
    const { text } = await page(relay, '/terms');
    expect(words(text)).toContain('run by Lynx &amp; Co ( https://lynx.example/contact )');
    expect(text).toContain('<a href="/privacy">privacy policy</a>');
  });
});
