// Publishing from the web alone: sign in with Google (connect), paste a sheet URL, pick a range.
// The doc is owned by the Google account, read from the Sheets API and kept live through Drive
// notifications: no add-on needed. `GET /publish` is the page, `POST /v1/google/docs` publishes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, NoContent } from '../../../protocol/fields.ts';
import { PickerReply, PublishPageQuery, WebPublishRequest, WebPublishResponse } from '../../../protocol/google.ts';
import { DocParams } from '../../../protocol/http.ts';
import { Limits } from '../../../protocol/wire.ts';
import { fail } from '../../errors.ts';
import { escapeHtml } from '../../html.ts';
import { googleOwner, owns } from '../../plugins/auth.ts';
import { googleFailure, requireGoogle } from './failures.ts';
import { scriptJson, sendHtml } from './pages.ts';

const SPREADSHEET_URL = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/;
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{1,200}$/;

export function spreadsheetIdOf(text: string): string | null {
  const trimmed = text.trim();
  const fromUrl = SPREADSHEET_URL.exec(trimmed)?.[1];
  if (fromUrl) return fromUrl;
  return SPREADSHEET_ID.test(trimmed) ? trimmed : null;
}

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 413: ApiError, 502: ApiError, 503: ApiError };

const PAGE_SCRIPT = `
const config = JSON.parse(document.getElementById('config').textContent);
const form = document.getElementById('publish');
const out = document.getElementById('out');
const say = (text) => { out.textContent = text; };
form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const allow = String(data.get('allow') || '').split(/[\\s,]+/).filter(Boolean);
  const body = {
    spreadsheet: data.get('spreadsheet'),
    ranges: [{ sheet: data.get('sheet'), range: String(data.get('range')).toUpperCase() }],
    access: allow.length > 0 ? 'restricted' : 'link',
    allow,
  };
  if (data.get('title')) body.title = data.get('title');
  say('Publishing…');
  const response = await fetch('/v1/google/docs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) return say(answer.error.message);
  const link = document.createElement('a');
  link.href = answer.viewUrl;
  link.textContent = answer.viewUrl;
  say('');
  out.append('Live at ', link);
});
// The Google Picker grants Sheetcast (scope drive.file) the one spreadsheet picked, nothing else.
async function pick() {
  const grant = await fetch('/auth/google/picker');
  const p = await grant.json();
  if (!grant.ok) return say(p.error.message);
  if (!window.gapi) {
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = 'https://apis.google.com/js/api.js';
      script.onload = resolve;
      script.onerror = () => reject(new Error('the Google Picker could not be loaded'));
      document.head.append(script);
    }).catch((error) => say(error.message));
  }
  await new Promise((resolve) => gapi.load('picker', resolve));
  const view = new google.picker.DocsView(google.picker.ViewId.SPREADSHEETS);
  new google.picker.PickerBuilder()
    .addView(view)
    .setOAuthToken(p.accessToken)
    .setDeveloperKey(p.apiKey)
    .setAppId(p.appId)
    .setCallback(async (data) => {
      if (data.action !== google.picker.Action.PICKED) return;
      const id = data.docs[0].id;
      if (!config.doc) {
        form.elements.spreadsheet.value = id;
        return;
      }
      if (id !== config.doc.spreadsheetId) return say('That is another spreadsheet: pick the one this doc publishes.');
      say('Connecting…');
      const response = await fetch('/v1/docs/' + config.doc.docId + '/sync', { method: 'POST' });
      const answer = await response.json();
      say(response.ok ? 'Connected: the doc now stays live from Google Sheets. You can close this window.' : answer.error.message);
    })
    .build()
    .setVisible(true);
}
document.getElementById('pick')?.addEventListener('click', () => void pick());`;

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { config, store, sessions, docs } = app;

  app.get('/publish', { schema: { querystring: PublishPageQuery } }, async (request, reply) => {
    const session = sessions.read(request);
    const ownerId = session ? `google:${session.sub}` : null;
    const connected = ownerId && app.google ? await app.google.grants.has(ownerId) : false;
    const docId = request.query.doc;
    if (!session || !connected) {
      const back = docId ? `/publish?doc=${docId}` : '/publish';
      return sendHtml(
        reply,
        200,
        'Publish a sheet',
        '<main><h1>Publish a Google Sheet, live</h1>' +
          '<p>Connect your Google account: Sheetcast then reads only the spreadsheet you publish, and keeps its page live as the sheet changes.</p>' +
          `<p><a href="/auth/google/start?purpose=connect&amp;return=${escapeHtml(encodeURIComponent(back))}">Connect Google Sheets</a></p></main>`,
      );
    }
    const picker = Boolean(config.google.pickerApiKey && config.google.projectNumber);
    const pickButton = picker ? '<p><button type="button" id="pick">Pick from Google Drive</button></p>' : '';
    // An add-on doc whose spreadsheet Sheetcast may not read yet: picking it grants that.
    const doc = docId ? await store.getDoc(docId) : null;
    if (doc && owns(googleOwner(session.sub), doc)) {
      return sendHtml(
        reply,
        200,
        'Connect a sheet',
        `<main><h1>Keep "${escapeHtml(doc.title)}" live from Google</h1><p>Signed in as ${escapeHtml(session.email)}.</p>` +
          '<p>Pick this doc\'s spreadsheet once so that Sheetcast may read it when it changes.</p>' +
          (picker ? pickButton : '<p>This relay has no Google Picker set up (GOOGLE_PICKER_API_KEY): ask its operator.</p>') +
          '<p id="out" role="status"></p></main>\n' +
          `<script type="application/json" id="config">${scriptJson({ doc: { docId: doc.docId, spreadsheetId: doc.spreadsheetId } })}</script>`,
        [PAGE_SCRIPT],
        { picker },
      );
    }
    return sendHtml(
      reply,
      200,
      'Publish a sheet',
      `<main><h1>Publish a Google Sheet, live</h1><p>Signed in as ${escapeHtml(session.email)}.</p>
<form id="publish">
<p><label>Sheet URL<br><input name="spreadsheet" required size="50" placeholder="https://docs.google.com/spreadsheets/d/…"></label></p>
${pickButton}
<p><label>Tab<br><input name="sheet" required value="Sheet1"></label></p>
<p><label>Range<br><input name="range" required pattern="[A-Za-z]{1,3}[0-9]+(:[A-Za-z]{1,3}[0-9]+)?" placeholder="A1:D20"></label></p>
<p><label>Title (optional)<br><input name="title" maxlength="${Limits.titleChars}"></label></p>
<p><label>Only these people (emails or @domain, optional)<br><input name="allow" size="50"></label></p>
<p><button>Publish</button></p>
</form>
<p id="out" role="status"></p></main>
<script type="application/json" id="config">${scriptJson({ doc: null })}</script>`,
      [PAGE_SCRIPT],
      { picker },
    );
  });

  /** What the Picker needs in the page: the publisher's own short-lived access token (drive.file), the key and the app id. */
  app.get('/auth/google/picker', { schema: { response: { 200: PickerReply, ...errors } } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    // Only the relay's own page may ask: a cross-site read is refused before any token is made.
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw fail('cross_origin', 'this request must come from the relay\'s own page');
    const session = sessions.read(request);
    if (!session) throw fail('unauthorized', 'sign in with Google first');
    const { pickerApiKey, projectNumber } = config.google;
    if (!pickerApiKey || !projectNumber) throw fail('picker_not_configured', 'this relay has no GOOGLE_PICKER_API_KEY and GOOGLE_CLOUD_PROJECT_NUMBER');
    let accessToken;
    try {
      accessToken = (await (await google.grants.authorized(`google:${session.sub}`)).getAccessToken()).token;
    } catch (error) {
      throw googleFailure(error);
    }
    if (!accessToken) throw fail('reconnect_needed', 'connect Google again');
    reply.header('cache-control', 'no-store');
    return { accessToken, apiKey: pickerApiKey, appId: projectNumber };
  });

  app.post('/v1/google/docs', { schema: { body: WebPublishRequest, response: { 201: WebPublishResponse, ...errors } } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    app.sameOrigin(request);
    const session = sessions.read(request);
    if (!session) throw fail('unauthorized', 'sign in with Google first: /auth/google/start?purpose=connect');
    const ownerId = `google:${session.sub}`;
    if (!(await google.grants.has(ownerId))) throw fail('google_not_connected', 'connect Google first: /auth/google/start?purpose=connect');
    const spreadsheetId = spreadsheetIdOf(request.body.spreadsheet);
    if (!spreadsheetId) throw fail('invalid_spreadsheet', 'paste the sheet\'s URL (https://docs.google.com/spreadsheets/d/…) or its id');
    // Checked before Google is asked for the title; publishing checks them again.
    const ranges = docs.checkRanges(request.body.ranges);
    const access = request.body.access ?? 'link';
    const allow = request.body.allow ?? [];
    if (access === 'restricted' && allow.length === 0) throw fail('empty_allow_list', 'a restricted doc needs at least one email or @domain on its allow list');

    let title = request.body.title;
    if (!title) {
      try {
        const auth = await google.grants.authorized(ownerId);
        const sheet = await google.clients.sheets(auth).spreadsheets.get({ spreadsheetId, fields: 'properties.title' });
        title = (sheet.data.properties?.title ?? 'Untitled').slice(0, Limits.titleChars);
      } catch (error) {
        throw googleFailure(error);
      }
    }
    // No add-on writes to this doc: its ingest key is never shown (rotate-key gives one if needed).
    const { doc } = await docs.publish({ ownerId, spreadsheetId, title, ranges, access, allow });
    try {
      await google.sync.connect(doc);
    } catch (error) {
      await docs.unpublish(doc.docId);
      await google.sync.disconnect(doc.docId);
      throw googleFailure(error);
    }
    request.log.info({ docId: doc.docId, owner: ownerId }, 'doc published from the web');
    return reply.code(201).send({
      docId: doc.docId,
      shareId: doc.shareId,
      title: doc.title,
      viewUrl: `${config.publicUrl}/view/${doc.shareId}`,
      embedUrl: `${config.publicUrl}/embed.js`,
    });
  });

  app.delete('/v1/google/docs/:docId', { schema: { params: DocParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    app.sameOrigin(request);
    const session = sessions.read(request);
    if (!session) throw fail('unauthorized', 'sign in with Google first');
    const doc = await app.docOwnedBy(googleOwner(session.sub), request.params.docId);
    // Every instance closes its viewers; the Google plugin stops the doc's Drive channels.
    await docs.unpublish(doc.docId);
    return reply.code(204).send(null);
  });
};

export default plugin;
