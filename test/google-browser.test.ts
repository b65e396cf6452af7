// The Google flows in a real browser (headless Chromium) against the relay and the emulator: the
// add-on's sidebar opens the connect popup and hears the result when it closes itself, and a
// viewer of a restricted share signs in and sees the live sheet.
import { beforeAll, expect, it } from 'vitest';
import { cellText, openPage, useBrowserGoogleRelay, type StaticSite } from './helpers/browser.ts';
import { addonIdToken } from './helpers/google.ts';
import { api, cell, eventually, postEdits, publishDoc } from './helpers/index.ts';

const env = useBrowserGoogleRelay({ build: false });
let site: StaticSite;

beforeAll(async () => {
  // Stands in for the add-on's sidebar, which lives on another origin (googleusercontent.com).
  site = await env.serveSite({
    '/sidebar': {
      body: `<!doctype html><button id="connect">Connect</button><script>
        window.results = [];
        addEventListener('message', (event) => results.push(event.data));
        document.getElementById('connect').onclick = () =>
          window.open(new URLSearchParams(location.search).get('start'), 'sheetcast-connect', 'popup,width=480,height=640');
      </script>`,
    },
  });
});

it('connects a doc in a popup that tells the sidebar the result and closes itself', async () => {
  env.google.spreadsheet('popup-sheet').setValues('Sheet1', 'A1:B1', [['Lap', '12']]);
  const doc = await publishDoc(env.relay, { spreadsheetId: 'popup-sheet', ranges: [{ sheet: 'Sheet1', range: 'A1:B1' }] }, addonIdToken(env.google, 'alice@example.com'));
  const start = `${env.relay.url}/auth/google/start?purpose=connect&login_hint=alice%40example.com&doc=${doc.docId}`;
  const page = await openPage(env.browser);
  await page.goto(`${site.url}/sidebar?start=${encodeURIComponent(start)}`);
  const [popup] = await Promise.all([page.context().waitForEvent('page'), page.click('#connect')]);
  await popup.waitForEvent('close');
  const results = await eventually(async () => {
    const got = await page.evaluate(() => (window as unknown as { results: unknown[] }).results);
    expect(got).toHaveLength(1);
    return got;
  });
  expect(results[0]).toEqual({ source: 'sheetcast', type: 'google-auth', ok: true, purpose: 'connect', docId: doc.docId });
  const sync = await api(env.relay, 'GET', `/v1/docs/${doc.docId}/sync`, { token: addonIdToken(env.google, 'alice@example.com') });
  expect(sync.body.status).toBe('live');
  expect(page.errors).toEqual([]);
});

it('signs a viewer of a restricted share in with Google and shows the live sheet', async () => {
  const doc = await publishDoc(env.relay, { title: 'Salaries', access: 'restricted', allow: ['@example.org'] });
  await postEdits(env.relay, doc, [cell('A1', 'Director')]);
  env.google.setConsent('auto', 'carol@example.org');
  const page = await openPage(env.browser);
  await page.goto(`${env.relay.url}/view/${doc.shareId}`);
  expect(new URL(page.url()).pathname).toBe(`/view/${doc.shareId}`);
  await eventually(async () => expect(await cellText(page, 'A1')).toBe('Director'));
  await postEdits(env.relay, doc, [cell('A1', 'Chair')]);
  await eventually(async () => expect(await cellText(page, 'A1')).toBe('Chair'));
  expect(page.errors).toEqual([]);
});

it('shows a signed-in viewer who is not on the list that they are not allowed', async () => {
  const doc = await publishDoc(env.relay, { title: 'Salaries', access: 'restricted', allow: ['@example.org'] });
  env.google.setConsent('auto', 'bob@example.com');
  const page = await openPage(env.browser);
  await page.goto(`${env.relay.url}/view/${doc.shareId}`);
  await eventually(async () => expect(await page.locator('sheetcast-view .message').textContent()).toContain('not on the list'));
  expect(await cellText(page, 'A1')).toBeNull();
});
