// The Google clients the relay uses, all on Google's hosts or, with SHEETCAST_GOOGLE_BASE, on
// one base URL with Google's own paths (the project's emulator): google-auth-library's
// OAuth2Client, and @googleapis/sheets and @googleapis/drive with their `rootUrl`.
import { drive, type drive_v3 } from '@googleapis/drive';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { OAuth2Client, type TokenPayload } from 'google-auth-library';
import { googleEndpoints } from '../plugins/auth.ts';

/** Read-only access to the one spreadsheet the publisher picked (non-sensitive). */
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
/** Sign-in only: who the viewer is, nothing of their Drive. */
export const SIGN_IN_SCOPES = ['openid', 'email'];

export interface GoogleClientsOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** SHEETCAST_GOOGLE_BASE, or undefined for Google itself. */
  base: string | undefined;
}

export class GoogleClients {
  readonly clientId: string;
  readonly #options: GoogleClientsOptions;
  /** Verifies ID tokens; caches Google's certs between calls. */
  readonly #verifier: OAuth2Client;

  constructor(options: GoogleClientsOptions) {
    this.clientId = options.clientId;
    this.#options = options;
    this.#verifier = new OAuth2Client({ clientId: options.clientId, endpoints: googleEndpoints(options.base) });
  }

  /**
   * An OAuth client for the web client id. `forceRefreshOnFailure`: an access token Google
   * rejects early (revoked, or its clock ahead of ours) is refreshed once instead of failing.
   */
  oauth(): OAuth2Client {
    const { clientId, clientSecret, redirectUri, base } = this.#options;
    return new OAuth2Client({ clientId, clientSecret, redirectUri, endpoints: googleEndpoints(base), forceRefreshOnFailure: true });
  }

  sheets(auth: OAuth2Client): sheets_v4.Sheets {
    // The API packages bundle their own google-auth-library types; the client is the same.
    return sheets({ version: 'v4', auth: auth as never, ...this.#root() });
  }

  drive(auth: OAuth2Client): drive_v3.Drive {
    return drive({ version: 'v3', auth: auth as never, ...this.#root() });
  }

  /** The verified claims of an ID token issued to this client, with the expected nonce. */
  async verifyIdToken(idToken: string, nonce: string): Promise<TokenPayload> {
    const ticket = await this.#verifier.verifyIdToken({ idToken, audience: this.clientId });
    const payload = ticket.getPayload();
    if (!payload?.sub || !payload.email) throw new Error('the ID token has no subject or email');
    if (payload.nonce !== nonce) throw new Error('the ID token does not answer this sign-in (nonce)');
    if (payload.email_verified !== true) throw new Error('the Google account\'s email is not verified');
    return payload;
  }

  #root(): { rootUrl?: string } {
    return this.#options.base ? { rootUrl: `${this.#options.base}/` } : {};
  }
}
