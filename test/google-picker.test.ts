// drive.file reaches only the spreadsheets a publisher picks with Sheetcast: the publish page
// offers the Google Picker (its script and frames allowed by the page's CSP, nothing else), the
// relay hands the page the publisher's own access token for it, and a doc whose spreadsheet was
// never picked sends its publisher to pick it instead of failing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, publishDoc } from './helpers/index.ts';
import { addonIdToken, CookieJar, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';

const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';

let env: GoogleRelay;

beforeAll(async () => {
  env = await startGoogleRelay({ env: { GOOGLE_PICKER_API_KEY: 'browser-key-for-the-picker', GOOGLE_CLOUD_PROJECT_NUMBER: '123456789012' } });
});

afterAll(async () => {
  await env?.stop();
});

it('offers the Picker on the publish page, allowing only its Google script and frames', async () => {
  const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com' });
  const page = await jar.fetch(`${env.relay.url}/publish`);
  expect(await page.text()).toContain('id="pick"');
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toMatch(/script-src 'sha256-[^ ]+' https:\/\/apis\.google\.com;/);
  expect(csp).toContain('frame-src https://docs.google.com');
  expect(csp).toContain("frame-ancestors 'none'");
});

it('gives the connected publisher\'s page their own drive.file access token for the Picker, and no one else', async () => {
  const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com' });
  const reply = await jar.fetch(`${env.relay.url}/auth/google/picker`, { headers: { 'sec-fetch-site': 'same-origin' } });
  expect(reply.status).toBe(200);
  const picker = await reply.json();
  expect(picker).toMatchObject({ apiKey: 'browser-key-for-the-picker', appId: '123456789012' });
  const info = await (await fetch(`${env.google.url}/tokeninfo?access_token=${picker.accessToken}`)).json();
  expect(info.email).toBe('alice@example.com');
  expect(info.scope.split(' ')).toContain(DRIVE_FILE);
  expect(info.scope).not.toMatch(/spreadsheets|drive\.readonly|auth\/drive /);

  expect((await jar.fetch(`${env.relay.url}/auth/google/picker`, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  expect((await new CookieJar().fetch(`${env.relay.url}/auth/google/picker`)).status).toBe(401);
  const viewer = await oauthFlow(env.relay, { loginHint: 'bob@example.com' });
  expect((await viewer.jar.fetch(`${env.relay.url}/auth/google/picker`)).status).toBe(409);
});

it('sends a publisher whose spreadsheet Sheetcast may not read yet to pick it, then connects the doc', async () => {
  const sheet = env.google.spreadsheet('not-picked-yet');
  sheet.setValues('Sheet1', 'A1:B1', [['Room', 'Free']]);
  sheet.shareWith(['someone-else@example.com']); // Drive answers 404 to Sheetcast for this file
  const doc = await publishDoc(env.relay, { spreadsheetId: 'not-picked-yet', title: 'Rooms', ranges: [{ sheet: 'Sheet1', range: 'A1:B1' }] }, addonIdToken(env.google, 'alice@example.com'));
  const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId });
  expect(flow.callback.status).toBe(303);
  expect(flow.callback.headers.get('location')).toBe(`/publish?doc=${doc.docId}`);
  const page = await (await flow.jar.fetch(`${env.relay.url}/publish?doc=${doc.docId}`)).text();
  expect(page).toContain('Keep "Rooms" live from Google');
  expect(page).toContain(`"spreadsheetId":"not-picked-yet"`);

  sheet.shareWith(null); // what picking it in the Picker grants
  const connected = await flow.jar.fetch(`${env.relay.url}/v1/docs/${doc.docId}/sync`, { method: 'POST', headers: { origin: env.relay.url } });
  expect(connected.status).toBe(200);
  expect(await connected.json()).toMatchObject({ status: 'live', account: 'alice@example.com' });
  expect((await api(env.relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`)).body.ranges[0].values).toEqual([['Room', 'Free']]);
});
