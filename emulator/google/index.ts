// The Google emulator: one loopback HTTP server answering Google's own paths (sign-in, OAuth,
// certs, Sheets v4, Drive v3) so the real google-auth-library and @googleapis/* clients can be
// pointed at it with a single base URL.

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Drive, type Channel, type Delivery } from './drive.ts';
import { router } from './http.ts';
import { KeySet, signJwt } from './keys.ts';
import { idTokenPayload, oauthRoutes, type ConsentMode, type IdTokenClaims, type OAuthContext } from './oauth.ts';
import { sheetsRoutes } from './sheets.ts';
import { Spreadsheet } from './spreadsheet.ts';
import { normalizeScopes, TokenStore } from './tokens.ts';
import { DEFAULT_USERS, Users, type TestUser, type TestUserInput } from './users.ts';

export type { CellValue, Sheet, SheetOptions, Spreadsheet } from './spreadsheet.ts';
export type { Channel, Delivery } from './drive.ts';
export type { ConsentMode, IdTokenClaims } from './oauth.ts';
export type { TestUser, TestUserInput } from './users.ts';

export interface GoogleEmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before a Drive `update` notification; changes within it are coalesced. Default 100. */
  notificationDelayMs?: number;
  /** OAuth client ids the auth page and token endpoint accept; any when empty (the default). */
  clientIds?: string[];
  /** When set, the token endpoint requires this client secret. */
  clientSecret?: string;
  /** Test accounts; default alice@example.com, bob@example.com, carol@example.org. */
  users?: TestUserInput[];
  /** How the consent page answers (default `auto`). */
  consent?: ConsentMode;
  /** `max-age` of the certs responses. Default 300 seconds. */
  certsMaxAgeSeconds?: number;
  /** Rotate the signing keys on this period as well as on demand. Off by default. */
  keyRotationMs?: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number;
}

export interface GoogleEmulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The OAuth2Client `endpoints` option for this emulator. */
  endpoints: GoogleEndpoints;
  /** An ID token signed by the current published key. */
  idToken(claims: IdTokenClaims): string;
  /** An ID token with a published `kid` but signed by a key that is not published. */
  forgedIdToken(claims: IdTokenClaims): string;
  /** The next key starts signing; the previous one stays published; the oldest is retired. */
  rotateKeys(): void;
  /** Creates or gets an in-memory spreadsheet (one `Sheet1` tab when new). */
  spreadsheet(id: string, title?: string): Spreadsheet;
  /** Test accounts; `addUser` creates one. */
  users(): TestUser[];
  addUser(user: TestUserInput): TestUser;
  /** How the consent page answers from now on, and as whom when there is no `login_hint`. */
  setConsent(mode: ConsentMode, defaultUserEmail?: string): void;
  /** Tokens as if `email` had consented to `scopes` for `clientId` (offline: with a refresh token). */
  issueTokens(grant: { email: string; clientId: string; scopes: string[]; offline?: boolean }): IssuedTokens;
  /** Every access token issued so far stops working; refresh tokens still do. */
  expireAccessTokens(): void;
  /** Every grant is revoked: its access and refresh tokens stop working. */
  revokeAll(): void;
  /** Drive channels open now, and every notification delivered so far. */
  channels(): Channel[];
  deliveries(): readonly Delivery[];
  close(): Promise<void>;
}

export interface GoogleEndpoints {
  tokenInfoUrl: string;
  oauth2AuthBaseUrl: string;
  oauth2TokenUrl: string;
  oauth2RevokeUrl: string;
  oauth2FederatedSignonPemCertsUrl: string;
  oauth2FederatedSignonJwkCertsUrl: string;
}

/** google-auth-library's OAuth2Client endpoints on a base URL that keeps Google's paths. */
export function endpointsFor(base: string): GoogleEndpoints {
  const root = base.replace(/\/+$/, '');
  return {
    tokenInfoUrl: `${root}/tokeninfo`,
    oauth2AuthBaseUrl: `${root}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${root}/token`,
    oauth2RevokeUrl: `${root}/revoke`,
    oauth2FederatedSignonPemCertsUrl: `${root}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${root}/oauth2/v3/certs`,
  };
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const users = new Users(options.users ?? DEFAULT_USERS);
  const keys = new KeySet();
  const tokens = new TokenStore();
  const spreadsheets = new Map<string, Spreadsheet>();
  let url = '';
  const baseUrl = () => url;

  const oauth: OAuthContext = {
    keys,
    users,
    tokens,
    clientIds: options.clientIds ?? [],
    clientSecret: options.clientSecret ?? null,
    consent: { mode: options.consent ?? 'auto', defaultUser: users.list()[0]?.email ?? 'alice@example.com' },
    certsMaxAgeSeconds: options.certsMaxAgeSeconds ?? 300,
    baseUrl,
  };
  const drive = new Drive({
    tokens,
    canSee: (id, email) => spreadsheets.get(id)?.canRead(email) ?? false,
    baseUrl,
    notificationDelayMs: options.notificationDelayMs ?? 100,
  });
  const routes = [
    ...oauthRoutes(oauth),
    ...sheetsRoutes({ tokens, find: (id) => spreadsheets.get(id), baseUrl }),
    ...drive.routes(),
  ];

  const server = createServer(router(routes));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  const rotation = options.keyRotationMs ? setInterval(() => keys.rotate(), options.keyRotationMs) : null;
  rotation?.unref();

  return {
    url,
    endpoints: endpointsFor(url),
    idToken: (claims) => signJwt(idTokenPayload(claims), keys.current),
    forgedIdToken: (claims) => signJwt(idTokenPayload(claims), { kid: keys.current.kid, privateKey: keys.outsider.privateKey }),
    rotateKeys: () => keys.rotate(),
    spreadsheet(id, title) {
      let spreadsheet = spreadsheets.get(id);
      if (!spreadsheet) {
        spreadsheet = new Spreadsheet(id, title);
        spreadsheet.onChange(() => drive.fileChanged(id));
        spreadsheets.set(id, spreadsheet);
      }
      return spreadsheet;
    },
    users: () => users.list(),
    addUser: (user) => users.add(user),
    setConsent(mode, defaultUserEmail) {
      oauth.consent.mode = mode;
      if (defaultUserEmail !== undefined) oauth.consent.defaultUser = users.get(defaultUserEmail).email;
    },
    issueTokens({ email, clientId, scopes, offline = false }) {
      const grant = tokens.grant(clientId, users.get(email), normalizeScopes(scopes.join(' ')), offline);
      const access = tokens.issueAccessToken(grant);
      return { accessToken: access.token, refreshToken: grant.refreshToken, expiresIn: Math.floor((access.expiresAt - Date.now()) / 1000) };
    },
    expireAccessTokens: () => tokens.expireAccessTokens(),
    revokeAll: () => tokens.revokeAll(),
    channels: () => drive.channels(),
    deliveries: () => drive.deliveries,
    async close() {
      if (rotation) clearInterval(rotation);
      await drive.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
