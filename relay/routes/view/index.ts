// The live-view page (`GET /view/:shareId`), the embed script (`GET /embed.js`) and the page's
// own script, read once from dist/sidebar/ (built by `npm run build:sidebar`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShareParams } from '../../../protocol/http.ts';
import { escapeHtml, ownPageCsp } from '../../html.ts';

const ASSETS_DIR = fileURLToPath(new URL('../../../dist/sidebar/', import.meta.url));

const PAGE_STYLE =
  'html,body{margin:0;height:100%;background:#fff}' +
  '@media (prefers-color-scheme:dark){html,body{background:#1b1c1d;color:#e3e3e3}}' +
  'sheetcast-view{height:100vh;height:100dvh}' +
  '.gone{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 16px}';

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#146c2e"/>' +
  '<path d="M3 6h10M3 10h10M6 3v10M10 3v10" stroke="#fff" stroke-width="1.2"/></svg>';

interface Asset {
  body: Buffer | string;
  type: string;
  etag: string;
}

function asset(body: Buffer | string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** The built bundle, or a script that says in the console what is missing. */
function readBundle(name: string, log: FastifyInstance['log']): Asset {
  try {
    return asset(readFileSync(ASSETS_DIR + name), 'text/javascript; charset=utf-8');
  } catch {
    log.warn(`dist/sidebar/${name} is missing: run "npm run build:sidebar" to serve the live view`);
    return asset(`console.error(${JSON.stringify(`Sheetcast: ${name} was not built on this relay.`)});`, 'text/javascript; charset=utf-8');
  }
}

// Same-origin script and socket only; the element's styles are constructed stylesheets.
const PAGE_CSP = ownPageCsp(PAGE_STYLE);

interface PageContent {
  title: string;
  description: string;
  body: string;
  /** Social previews only for link shares: a restricted share's title is not for everyone. */
  preview: boolean;
}

function page({ title, description, body, preview }: PageContent): string {
  const t = escapeHtml(title);
  const d = escapeHtml(description);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${t}</title>
<meta name="description" content="${d}">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#1b1c1d" media="(prefers-color-scheme: dark)">
${preview ? `<meta property="og:type" content="website">\n<meta property="og:site_name" content="Sheetcast">\n<meta property="og:title" content="${t}">\n<meta property="og:description" content="${d}">\n` : ''}<link rel="icon" href="../favicon.svg" type="image/svg+xml">
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    // A share can be unpublished or made private at any moment: never serve a stale page.
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

const NOT_PUBLISHED = page({
  title: 'Not published · Sheetcast',
  description: 'This sheet is not published.',
  preview: false,
  body: '<main class="gone"><h1>This sheet is not published</h1><p>The link may be mistyped, or its publisher stopped sharing it.</p></main>',
});

export default async function viewRoutes(fastify: FastifyInstance): Promise<void> {
  const bundles = {
    view: readBundle('view.js', fastify.log),
    embed: readBundle('embed.js', fastify.log),
  };
  const favicon = asset(FAVICON, 'image/svg+xml');

  function sendAsset(request: FastifyRequest, reply: FastifyReply, { body, type, etag }: Asset): FastifyReply {
    reply
      .header('content-type', type)
      .header('etag', etag)
      .header('cache-control', 'public, max-age=300')
      // Any site may embed the view: the script is public and holds no secret.
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .header('x-content-type-options', 'nosniff');
    return request.headers['if-none-match'] === etag ? reply.code(304).send() : reply.send(body);
  }

  fastify.get('/embed.js', (request, reply) => sendAsset(request, reply, bundles.embed));
  fastify.get('/view.js', (request, reply) => sendAsset(request, reply, bundles.view));
  fastify.get('/favicon.svg', (request, reply) => sendAsset(request, reply, favicon));

  // A malformed share id is refused by the schema, as on every other route that takes one.
  fastify.get<{ Params: ShareParams }>('/view/:shareId', { schema: { params: ShareParams } }, async (request, reply) => {
    const { shareId } = request.params;
    const doc = await fastify.store.getDocByShare(shareId);
    if (!doc) return sendPage(reply, 404, NOT_PUBLISHED);
    // A private sheet's anonymous viewer signs in with Google first, then comes back here.
    if (doc.access === 'restricted' && fastify.google && !fastify.sessions.read(request)) {
      return reply.code(302).header('cache-control', 'no-store').redirect(`/auth/google/start?return=${encodeURIComponent(`/view/${shareId}`)}`);
    }
    const open = doc.access === 'link';
    const title = open ? doc.title : 'Private sheet';
    return sendPage(
      reply,
      200,
      page({
        title: `${title} · Sheetcast`,
        description: open ? `${doc.title}: live from Google Sheets, updated as the sheet changes.` : 'A private live sheet: sign in to see it.',
        preview: open,
        body:
          `<sheetcast-view share="${escapeHtml(shareId)}" full-page></sheetcast-view>\n` +
          '<noscript><p class="gone">This live view needs JavaScript.</p></noscript>\n' +
          '<script src="../view.js" defer></script>',
      }),
    );
  });
}
