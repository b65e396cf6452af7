// The front pages' shell (home, privacy, terms): one stylesheet in the view's colours, allowed by
// its hash; no script but the view's own, and only on the home page while the demo runs.
import type { FastifyReply } from 'fastify';
import MarkdownIt from 'markdown-it';
import { escapeHtml, ownPageCsp } from '../../html.ts';

const STYLE =
  ':root{color-scheme:light dark;--fg:#1f1f1f;--muted:#474747;--bg:#fff;--line:#e1e3e1;--accent:#146c2e;--link:#0b57d0}' +
  '@media (prefers-color-scheme:dark){:root{--fg:#e3e3e3;--muted:#c4c7c5;--bg:#1b1c1d;--line:#3c4043;--accent:#6dd58c;--link:#a8c7fa}}' +
  'html{background:var(--bg);color:var(--fg)}' +
  'body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}' +
  'header,main,footer{max-width:46rem;margin:0 auto;padding:0 16px}' +
  'header{display:flex;align-items:center;gap:10px;padding-top:20px}' +
  'header a{display:flex;align-items:center;gap:10px;color:inherit;text-decoration:none;font-weight:600;font-size:1.15rem}' +
  'header img{width:32px;height:32px}' +
  'a{color:var(--link)}' +
  'h1{font-size:1.9rem;line-height:1.25;margin:1.2rem 0 .6rem}h2{font-size:1.25rem;margin:2rem 0 .5rem}' +
  '.lead{font-size:1.15rem;color:var(--muted)}' +
  '.actions{display:flex;flex-wrap:wrap;gap:10px;margin:1.2rem 0;padding:0;list-style:none}' +
  '.actions a{display:inline-block;padding:8px 16px;border:1px solid var(--line);border-radius:20px;text-decoration:none}' +
  '.actions a.primary{background:var(--accent);border-color:var(--accent);color:var(--bg)}' +
  'sheetcast-view{display:block;margin:1rem 0;--sheetcast-max-height:24rem}' +
  'table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}' +
  'th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}' +
  'code,pre{font:.9em ui-monospace,Menlo,Consolas,monospace}' +
  'pre{overflow-x:auto;padding:10px;border:1px solid var(--line);border-radius:6px}' +
  'footer{margin-top:3rem;padding-top:12px;padding-bottom:24px;border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}' +
  'footer nav{display:flex;flex-wrap:wrap;gap:16px}';

/** Same-origin script and socket only (the demo's view); the view's styles are constructed stylesheets. */
const CSP = ownPageCsp(STYLE);

// markdown-it: CommonMark with tables, widely used and kept up, and it refuses javascript:, vbscript:
// and file: links on its own. Raw HTML in the operator's Markdown is shown as text (html: false): their
// file is trusted, but a pasted snippet must not bring scripts or forms onto a page that the CSP would
// then have to stop.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

export interface FrontPage {
  title: string;
  description: string;
  body: string;
  footer: string;
}

export function frontPage({ title, description, body, footer }: FrontPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(description)}">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">
<link rel="apple-touch-icon" href="/apple-touch-icon.png">
<link rel="manifest" href="/site.webmanifest">
<style>${STYLE}</style>
</head>
<body>
<header><a href="/"><img src="/icon-192.png" alt="" width="32" height="32">Sheetcast</a></header>
<main>
${body}
</main>
<footer>
${footer}
</footer>
</body>
</html>
`;
}

export function sendFrontPage(reply: FastifyReply, html: string, cache: 'no-store' | 'public, max-age=300'): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', cache)
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(html);
}
