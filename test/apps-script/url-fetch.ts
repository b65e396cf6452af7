/// <reference types="google-apps-script" />
// UrlFetchApp.fetch: synchronous, as in Apps Script, reaching real servers (the test's relay)
// through SyncFetcher. Only URLs under the manifest's urlFetchWhitelist are allowed; HTTP
// errors throw unless muteHttpExceptions; a request with no answer always throws, and so does
// one whose answer does not come within the deadline. 20,000 calls a day per user (quotas).
import { Scope, type Runtime } from './execution.ts';
import { DailyQuota } from './services.ts';
import { SyncFetcher } from './sync-fetch.ts';

type Options = GoogleAppsScript.URL_Fetch.URLFetchRequestOptions;

class FakeHttpResponse implements Pick<GoogleAppsScript.URL_Fetch.HTTPResponse, 'getResponseCode' | 'getContentText' | 'getHeaders' | 'getAllHeaders'> {
  private readonly _status: number;
  private readonly _headers: Record<string, string>;
  private readonly _body: string;

  constructor(_status: number, _headers: Record<string, string>, _body: string) {
    this._status = _status;
    this._headers = _headers;
    this._body = _body;
  }
  getResponseCode(): number {
    return this._status;
  }
  getContentText(): string {
    return this._body;
  }
  getHeaders(): object {
    return { ...this._headers };
  }
  getAllHeaders(): object {
    return { ...this._headers };
  }
}

export class FakeUrlFetchApp implements Pick<GoogleAppsScript.URL_Fetch.UrlFetchApp, 'fetch'> {
  private readonly _fetcher = new SyncFetcher();
  readonly quota = new DailyQuota(20_000, 'Service invoked too many times for one day: urlfetch.');
  /**
   * How long a request may take before UrlFetchApp gives up on it. Google does not document it;
   * a minute is what scripts observe. Tests of a relay that hangs set it lower.
   */
  deadlineMs = 60_000;

  private readonly _runtime: Runtime;
  private readonly _whitelist: readonly string[] | undefined;

  constructor(_runtime: Runtime, _whitelist: readonly string[] | undefined) {
    this._runtime = _runtime;
    this._whitelist = _whitelist;
  }

  fetch(url: string, params: Options = {}): GoogleAppsScript.URL_Fetch.HTTPResponse {
    const realm = this._runtime.realm;
    this._runtime.require('UrlFetchApp.fetch', Scope.externalRequest);
    this.quota.use(this._runtime);
    if (this._whitelist && !this._whitelist.some((prefix) => url.startsWith(prefix))) {
      throw realm.error(`Script is not allowed to fetch ${url}: add it to urlFetchWhitelist in the manifest.`);
    }
    const method = String(params.method ?? 'get').toUpperCase();
    const headers: Record<string, string> = {
      'user-agent': 'Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: sheetcast-test)',
    };
    for (const [name, value] of Object.entries(params.headers ?? {})) headers[name.toLowerCase()] = String(value);
    let body: string | undefined;
    if (params.payload !== undefined && method !== 'GET' && method !== 'DELETE') {
      if (typeof params.payload !== 'string') throw realm.error('This fake sends string payloads only.');
      body = params.payload;
      headers['content-type'] = params.contentType ?? 'application/x-www-form-urlencoded';
    }
    const answer = this._fetcher.fetch({ url, method, headers, body, followRedirects: params.followRedirects ?? true, timeoutMs: this.deadlineMs });
    const record = { url, method, headers, payload: body, status: answer.ok ? answer.status : null, error: answer.ok ? undefined : answer.error, response: answer.ok ? answer.body : undefined };
    this._runtime.execution().fetches.push(record);
    if (!answer.ok) throw realm.error(/timeout|aborted/i.test(answer.error) ? `Timeout: ${url}` : `Address unavailable: ${url}`);
    if (answer.status >= 400 && !params.muteHttpExceptions) {
      throw realm.error(`Request failed for ${url} returned code ${answer.status}. Truncated server response: ${answer.body.slice(0, 100)} (use muteHttpExceptions option to examine full response)`);
    }
    return new FakeHttpResponse(answer.status, answer.headers, answer.body) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse;
  }

  close(): Promise<void> {
    return this._fetcher.close();
  }
}
