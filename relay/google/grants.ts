// Publishers' offline Google grants: the refresh token (and the current access token) sealed
// with AES-256-GCM in the store, an authorized OAuth2Client on demand, new access tokens saved
// as google-auth-library refreshes them, and a dead grant told apart from a passing failure.
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { HttpError } from '../errors.ts';
import type { GoogleGrantRecord, GoogleRecords } from '../store/google-records.ts';
import type { GoogleClients } from './clients.ts';
import { seal, unseal } from './crypto.ts';

/** The grant is gone (never given, revoked, expired): the publisher has to connect again. */
export class GrantUnusable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantUnusable';
  }
}

export class Grants {
  readonly #records: GoogleRecords;
  readonly #clients: GoogleClients;
  readonly #key: Buffer;

  constructor(records: GoogleRecords, clients: GoogleClients, tokenKey: Buffer) {
    this.#records = records;
    this.#clients = clients;
    this.#key = tokenKey;
  }

  /** Keeps what a code exchange returned; Google omits the refresh token when it already gave one. */
  async save(ownerId: string, email: string, tokens: Credentials): Promise<void> {
    const refreshToken = tokens.refresh_token ?? (await this.#refreshTokenOf(ownerId));
    if (!refreshToken) throw new GrantUnusable('Google returned no refresh token: connect again and allow offline access');
    await this.#records.saveGoogleGrant({
      ownerId,
      email,
      scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
      sealedRefreshToken: seal(this.#key, refreshToken, `refresh:${ownerId}`),
      sealedAccessToken: tokens.access_token ? seal(this.#key, tokens.access_token, `access:${ownerId}`) : null,
      accessExpiresAt: tokens.expiry_date ?? null,
      updatedAt: Date.now(),
    });
  }

  async has(ownerId: string): Promise<boolean> {
    return (await this.#records.getGoogleGrant(ownerId)) !== null;
  }

  async email(ownerId: string): Promise<string | null> {
    return (await this.#records.getGoogleGrant(ownerId))?.email ?? null;
  }

  /** A client acting for the owner; it refreshes on expiry and saves what it gets. */
  async authorized(ownerId: string): Promise<OAuth2Client> {
    const grant = await this.#records.getGoogleGrant(ownerId);
    if (!grant) throw new GrantUnusable('no Google account is connected for this doc\'s publisher');
    const client = this.#clients.oauth();
    try {
      client.setCredentials({
        refresh_token: unseal(this.#key, grant.sealedRefreshToken, `refresh:${ownerId}`),
        ...(grant.sealedAccessToken ? { access_token: unseal(this.#key, grant.sealedAccessToken, `access:${ownerId}`) } : {}),
        ...(grant.accessExpiresAt ? { expiry_date: grant.accessExpiresAt } : {}),
      });
    } catch {
      throw new GrantUnusable('the stored Google grant cannot be decrypted (was SHEETCAST_SECRET_KEY changed?): connect again');
    }
    // A lost write only costs one more refresh later.
    client.on('tokens', (tokens: Credentials) => void this.#refreshed(grant, tokens).catch(() => undefined));
    return client;
  }

  /** Revokes the grant at Google (best effort) and forgets it. */
  async disconnect(ownerId: string): Promise<void> {
    const refreshToken = await this.#refreshTokenOf(ownerId);
    await this.#records.deleteGoogleGrant(ownerId);
    if (refreshToken) await this.#clients.oauth().revokeToken(refreshToken).catch(() => undefined);
  }

  async #refreshed(grant: GoogleGrantRecord, tokens: Credentials): Promise<void> {
    if (!tokens.access_token) return;
    const current = await this.#records.getGoogleGrant(grant.ownerId);
    if (!current || current.sealedRefreshToken !== grant.sealedRefreshToken) return; // reconnected meanwhile
    await this.#records.saveGoogleGrant({
      ...current,
      ...(tokens.refresh_token ? { sealedRefreshToken: seal(this.#key, tokens.refresh_token, `refresh:${grant.ownerId}`) } : {}),
      sealedAccessToken: seal(this.#key, tokens.access_token, `access:${grant.ownerId}`),
      accessExpiresAt: tokens.expiry_date ?? null,
      updatedAt: Date.now(),
    });
  }

  /** The stored refresh token, or null when there is none that opens with this key. */
  async #refreshTokenOf(ownerId: string): Promise<string | null> {
    const grant = await this.#records.getGoogleGrant(ownerId);
    if (!grant) return null;
    try {
      return unseal(this.#key, grant.sealedRefreshToken, `refresh:${ownerId}`);
    } catch {
      return null;
    }
  }
}

interface GoogleFailure {
  status?: number;
  response?: { status?: number; data?: { error?: unknown } };
}

/**
 * Whether a failed Google call means the grant no longer works (refresh refused as
 * `invalid_grant`, or the API says the token or the file's permission is gone), as opposed to
 * a failure worth retrying later.
 */
export function grantIsDead(error: unknown): boolean {
  if (error instanceof GrantUnusable) return true;
  if (error instanceof HttpError) return false; // the relay's own refusal, not Google's
  const failure = error as GoogleFailure;
  const oauthError = failure.response?.data?.error;
  if (oauthError === 'invalid_grant' || oauthError === 'unauthorized_client') return true;
  const status = failure.response?.status ?? failure.status;
  return status === 401 || status === 403 || status === 404;
}

/** Google says the file is not there for this grant: under drive.file, it was never picked. */
export function fileNotGranted(error: unknown): boolean {
  const failure = error as GoogleFailure;
  const status = failure?.response?.status ?? failure?.status;
  return !(error instanceof HttpError) && (status === 403 || status === 404);
}

/** A short reason for the publisher, without any token in it. */
export function describeFailure(error: unknown): string {
  if (error instanceof GrantUnusable) return error.message;
  const failure = error as GoogleFailure;
  const oauthError = failure.response?.data?.error;
  if (oauthError === 'invalid_grant') return 'Google refused the stored grant (revoked or expired): connect the doc again';
  const status = failure.response?.status ?? failure.status;
  if (status === 401) return 'Google no longer accepts Sheetcast\'s access: connect the doc again';
  if (status === 403 || status === 404) return 'Sheetcast can no longer read this spreadsheet: connect again and pick it';
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
