// The relay's front door: the home page (`/`), the privacy policy and terms (`/privacy`,
// `/terms`: the operator's Markdown files or the relay's own texts), the icons and `robots.txt`.
// Google's consent screen and Marketplace listing link to these.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SharedRange } from '../../../protocol/wire.ts';
import { findDemoDoc } from '../../demo.ts';
import { escapeHtml } from '../../html.ts';
import { frontPage, renderMarkdown, sendFrontPage } from './page.ts';
import { defaultPrivacy, defaultTerms, policyFacts } from './policies.ts';

/** The web icons, rendered from addon/listing/icon.svg by `npm run listing`. */
const ICONS: Record<string, string> = {
  '/favicon.ico': 'image/x-icon',
  '/apple-touch-icon.png': 'image/png',
  '/icon-192.png': 'image/png',
  '/icon-512.png': 'image/png',
};

const MANIFEST = JSON.stringify({
  name: 'Sheetcast',
  short_name: 'Sheetcast',
  icons: [
    { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
  ],
  theme_color: '#146c2e',
  background_color: '#ffffff',
  display: 'browser',
});

// Views, the API and sign-in are nobody's search result: a view's link is its only way in.
const ROBOTS = ['User-agent: *', 'Disallow: /view/', 'Disallow: /v1/', 'Disallow: /auth/', 'Disallow: /publish', 'Allow: /', ''].join('\n');

/** The demo's cells as a plain table: what the home page shows without JavaScript. */
function staticTable(title: string, grid: SharedRange | undefined): string {
  // The last frozen row is the header; a title merged above it is the caption's already.
  const headerRow = Math.max(1, grid?.format?.frozen?.rows ?? 1) - 1;
  const values = grid?.values ?? [];
  const head = values[headerRow] ?? [];
  const rows = values.slice(headerRow + 1);
  const cells = (row: string[], tag: 'th' | 'td') => row.map((value) => `<${tag}>${escapeHtml(value)}</${tag}>`).join('');
  return (
    `<table><caption>${escapeHtml(title)}</caption>` +
    `<thead><tr>${head.map((value) => `<th scope="col">${escapeHtml(value)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((row) => `<tr>${cells(row, 'td')}</tr>`).join('')}</tbody></table>`
  );
}

export default async function frontRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app;
  const facts = policyFacts(config, app.google !== null);
  const { name, contact } = config.operator;
  const contactHref = contact === undefined ? undefined : contact.includes('@') && !contact.includes('/') ? `mailto:${contact}` : contact;
  const footer =
    `<p>${name === undefined ? 'This relay runs Sheetcast.' : `This relay is run by ${escapeHtml(name)}.`}` +
    `${contactHref ? ` <a href="${escapeHtml(contactHref)}">Contact</a>` : ''}</p>\n` +
    '<nav aria-label="About this relay"><a href="/">Home</a><a href="/privacy">Privacy</a><a href="/terms">Terms</a><a href="/healthz">Status</a></nav>';

  const policy = (title: string, markdown: string) =>
    frontPage({ title: `${title} · Sheetcast`, description: `${title} of the Sheetcast relay at ${config.publicUrl}.`, body: renderMarkdown(markdown), footer });
  const privacy = policy('Privacy policy', config.privacyMarkdown ?? defaultPrivacy(facts));
  const terms = policy('Terms of service', config.termsMarkdown ?? defaultTerms(facts));

  const icons = new Map(Object.entries(ICONS).map(([path, type]) => [path, { type, body: readFileSync(new URL(`./icons${path}`, import.meta.url)) }]));
  for (const [path, { type, body }] of icons) {
    app.get(path, (_request, reply) => reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(body));
  }
  app.get('/site.webmanifest', (_request, reply) =>
    reply.header('content-type', 'application/manifest+json').header('cache-control', 'public, max-age=86400').send(MANIFEST),
  );
  app.get('/robots.txt', (_request, reply) => reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=86400').send(ROBOTS));
  app.get('/privacy', (_request, reply) => sendFrontPage(reply, privacy, 'public, max-age=300'));
  app.get('/terms', (_request, reply) => sendFrontPage(reply, terms, 'public, max-age=300'));

  app.get('/', async (_request, reply: FastifyReply) => {
    const demo = config.demo ? await findDemoDoc(app) : null;
    let live = '';
    if (demo) {
      const snapshot = await app.store.readSnapshot(demo.docId);
      // Without JavaScript the element stays unknown and its children, today's cells, show instead.
      live =
        '<h2>Watch one live</h2>\n<p>This scoreboard is a sheet published on this relay; it changes every second, as its cells are edited.</p>\n' +
        `<sheetcast-view share="${escapeHtml(demo.shareId)}">${staticTable(demo.title, snapshot?.ranges[0])}</sheetcast-view>\n` +
        `<p><a href="/view/${escapeHtml(demo.shareId)}">Open it on its own page</a></p>\n` +
        '<script src="/embed.js" defer></script>';
    }
    const publish = app.google ? '<li><a class="primary" href="/publish">Publish a sheet</a></li>' : '';
    const body =
      '<h1>Put a Google Sheet on the web, live</h1>\n' +
      '<p class="lead">Sheetcast publishes the ranges of a Google Sheet that you choose to a page and an embed that change the moment the sheet does: every edit reaches every open view within about a second, and nothing outside those ranges ever leaves the sheet.</p>\n' +
      `<ul class="actions">${publish}<li><a href="#embed">Embed a sheet</a></li><li><a href="/healthz">Relay status</a></li></ul>\n` +
      live +
      '\n<h2>How to publish</h2>\n<ol><li>Install the Sheetcast add-on in Google Sheets.</li><li>Select a range, then choose <strong>Extensions › Sheetcast › Publish the selection</strong>.</li><li>Share the link, or paste the embed snippet into your site.</li></ol>\n' +
      '<h2 id="embed">Embed a sheet</h2>\n<p>A published sheet shows on any site with two tags; it stays live there too.</p>\n' +
      `<pre><code>${escapeHtml(`<script src="${config.publicUrl}/embed.js" async></script>\n<sheetcast-view share="SHARE_ID"></sheetcast-view>`)}</code></pre>\n` +
      '<p>The same cells as JSON: <code>GET /v1/shares/SHARE_ID/snapshot</code>; live over a WebSocket at <code>/v1/live?share=SHARE_ID</code>.</p>';
    return sendFrontPage(
      reply,
      frontPage({ title: 'Sheetcast: a Google Sheet on the web, live', description: 'Publish ranges of a Google Sheet to a page that updates as the sheet changes.', body, footer }),
      'no-store',
    );
  });
}
