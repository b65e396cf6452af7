// The relay over UrlFetchApp: one request, never throwing for an HTTP status, with the
// relay's error message in words when it refuses.

import { RELAY_URL } from '../config.ts';
import { outcomeOf, type Outcome } from '../logic/outbox.ts';

export interface RelayAnswer {
  /** null when no answer came (network error, timeout). */
  status: number | null;
  outcome: Outcome;
  body: unknown;
  /** Why it failed, in words; '' on success. */
  problem: string;
}

/** `readBody` false: an acknowledgement's body is not read (one service call less); a refusal's always is. */
export function callRelay(method: GoogleAppsScript.URL_Fetch.HttpMethod, path: string, bearer: string, payload?: string, readBody = true): RelayAnswer {
  const params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method,
    headers: { Authorization: `Bearer ${bearer}` },
    muteHttpExceptions: true,
    followRedirects: false,
  };
  if (payload !== undefined) {
    params.contentType = 'application/json';
    params.payload = payload;
  }
  let response: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    response = UrlFetchApp.fetch(RELAY_URL + path, params);
  } catch (error) {
    return { status: null, outcome: 'retry', body: null, problem: `Could not reach the relay (${messageOf(error)}).` };
  }
  const status = response.getResponseCode();
  const outcome = outcomeOf(status);
  if (outcome === 'sent' && !readBody) return { status, outcome, body: null, problem: '' };
  const text = response.getContentText();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status, outcome, body, problem: outcome === 'sent' ? '' : describe(status, body) };
}

function describe(status: number, body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const words = error?.message ?? (status >= 500 ? 'the relay had a problem' : 'the relay refused the request');
  return `${words} (HTTP ${status}${error?.code ? `, ${error.code}` : ''}).`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The publisher's Google ID token (scope openid): the relay makes its subject the doc's owner. */
export function identityToken(): string {
  return ScriptApp.getIdentityToken();
}
