// The Google routes' refusals: Google not configured, or a Google call that failed.
import { HttpError, fail } from '../../errors.ts';
import { describeFailure, grantIsDead } from '../../google/grants.ts';
import type { Google } from '../../plugins/google.ts';

export function requireGoogle(google: Google | null): Google {
  if (!google) throw fail('google_not_configured', 'Google sign-in needs GOOGLE_CLIENT_IDS, GOOGLE_CLIENT_SECRET and SHEETCAST_SECRET_KEY on this relay');
  return google;
}

/** Turns a failed Google call into the spec's error shape, without any token in it. */
export function googleFailure(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (grantIsDead(error)) return fail('reconnect_needed', describeFailure(error));
  return fail('google_failed', describeFailure(error));
}
