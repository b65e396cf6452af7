// The relay wired to the Google emulator, and a browser-like cookie jar that walks the OAuth
// redirects the way a person's browser does (relay → Google's consent → relay's callback).
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorOptions } from '../../emulator/google/index.ts';
import { subjectFor } from '../../emulator/google/users.ts';
import type { LiveFrame } from '../../protocol/wire.ts';
import { startRelay, type Relay } from './relay.ts';

export const WEB_CLIENT = 'sheetcast-web.apps.googleusercontent.com';
export const ADDON_CLIENT = 'sheetcast-addon.apps.googleusercontent.com';
export const CLIENT_SECRET = 'emulator-client-secret';

export interface GoogleRelay {
  google: GoogleEmulator;
  relay: Relay;
  /** SHEETCAST_SECRET_KEY of the relay, raw. */
  secretKey: Buffer;
  stop(): Promise<void>;
}

/** The Google emulator and a relay process pointed at it with an OAuth client and a secret key. */
export async function startGoogleRelay(options: { emulator?: GoogleEmulatorOptions; env?: Record<string, string> } = {}): Promise<GoogleRelay> {
  const google = await startGoogleEmulator({ clientIds: [WEB_CLIENT, ADDON_CLIENT], clientSecret: CLIENT_SECRET, notificationDelayMs: 50, ...options.emulator });
  const secretKey = randomBytes(32);
  const relay = await startRelay({
    env: {
      GOOGLE_CLIENT_IDS: `${WEB_CLIENT},${ADDON_CLIENT}`,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      SHEETCAST_SECRET_KEY: secretKey.toString('base64'),
      SHEETCAST_GOOGLE_BASE: google.url,
      SHEETCAST_SYNC_DEBOUNCE_MS: '50',
      ...options.env,
    },
  });
  return {
    google,
    relay,
    secretKey,
    async stop() {
      await relay.stop();
      await google.close();
    },
  };
}

/** The ID token the add-on would send for `email` (`ScriptApp.getIdentityToken()`). */
export function addonIdToken(google: GoogleEmulator, email: string): string {
  return google.idToken({ sub: subjectFor(email), email, aud: ADDON_CLIENT });
}

export const ownerIdOf = (email: string) => `google:${subjectFor(email)}`;

export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes[key.toLowerCase()] = value.length > 0 ? value.join('=') : true;
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

/** Cookies of one host, as a browser keeps them (path ignored: the tests use one host per jar). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie seen, in order. */
  readonly seen: SetCookie[] = [];

  take(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      this.seen.push(cookie);
      const expired = cookie.attributes['max-age'] === '0' || (typeof cookie.attributes.expires === 'string' && Date.parse(cookie.attributes.expires) < Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.take(response);
    return response;
  }
}

export interface FlowOptions {
  purpose?: 'signin' | 'connect';
  loginHint?: string;
  returnTo?: string;
  doc?: string;
  jar?: CookieJar;
}

export interface Flow {
  jar: CookieJar;
  /** The URL Google's consent page was asked with. */
  authUrl: URL;
  /** Where Google sent the browser back: the callback with `code` and `state`. */
  callbackUrl: URL;
  /** The callback's answer (a page, or a redirect to `returnTo`). */
  callback: Response;
  body: string;
}

/** Walks the whole OAuth code flow: relay start → emulator consent (auto) → relay callback. */
export async function oauthFlow(relay: Relay, options: FlowOptions = {}): Promise<Flow> {
  const jar = options.jar ?? new CookieJar();
  const query = new URLSearchParams();
  if (options.purpose) query.set('purpose', options.purpose);
  if (options.loginHint) query.set('login_hint', options.loginHint);
  if (options.returnTo) query.set('return', options.returnTo);
  if (options.doc) query.set('doc', options.doc);
  const start = await jar.fetch(`${relay.url}/auth/google/start?${query}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const authUrl = new URL(start.headers.get('location')!);
  const consent = await fetch(authUrl, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  const callbackUrl = new URL(consent.headers.get('location')!);
  const callback = await jar.fetch(callbackUrl.href);
  return { jar, authUrl, callbackUrl, callback, body: await callback.text() };
}

/** A live viewer whose handshake carries cookies (and an Origin, as a browser sends). */
export async function connectWithCookies(
  relay: Relay,
  shareId: string,
  jar: CookieJar | null,
  origin = relay.url,
): Promise<{ frames: LiveFrame[]; closed: Promise<number>; opened: Promise<boolean>; socket: WebSocket }> {
  const headers: Record<string, string> = { origin };
  if (jar && jar.cookies.size > 0) headers.cookie = jar.header();
  const socket = new WebSocket(`${relay.wsUrl}/v1/live?share=${shareId}`, { headers });
  const frames: LiveFrame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const opened = new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  return { frames, closed, opened, socket };
}
