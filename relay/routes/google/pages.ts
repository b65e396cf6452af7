// Small HTML pages of the Google flows: the callback page that tells its opener the result and
// closes, and error pages. Inline scripts are allowed by their hash only.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../html.ts';

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:12vh auto;padding:0 16px}' +
  '@media (prefers-color-scheme:dark){body{background:#1b1c1d;color:#e3e3e3}a{color:#8ab4f8}}';

export const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The Google Picker's script, frames and injected styles; only the publish page loads it. */
const PICKER_SOURCES = {
  script: ' https://apis.google.com',
  style: "'self' 'unsafe-inline'",
  extra: ['frame-src https://docs.google.com', "img-src 'self' data: https:", "connect-src 'self' https://*.google.com https://*.googleapis.com"],
};

export function sendHtml(reply: FastifyReply, status: number, title: string, body: string, scripts: string[] = [], options: { picker?: boolean } = {}): FastifyReply {
  const picker = options.picker === true;
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.length > 0 ? scripts.map(sha256).join(' ') : "'none'"}${picker ? PICKER_SOURCES.script : ''}`,
    `style-src ${picker ? PICKER_SOURCES.style : sha256(STYLE)}`,
    ...(picker ? PICKER_SOURCES.extra : ["connect-src 'self'"]),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', csp)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)} · Sheetcast</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`);
}

/** What the callback page posts to its opener (the add-on's sidebar or the publish page). */
export interface AuthResult {
  source: 'sheetcast';
  type: 'google-auth';
  ok: boolean;
  purpose: 'signin' | 'connect';
  /** A snake_case code when `ok` is false. */
  error?: string;
  /** The doc connected for server-side sync, when one was asked for. */
  docId?: string;
}

// No secret and no email in the message: any page may have opened this window.
const RESULT_SCRIPT =
  "const r=JSON.parse(document.getElementById('result').textContent);" +
  "if(window.opener){window.opener.postMessage(r,'*');window.close();}";

export function sendAuthResult(reply: FastifyReply, result: AuthResult, words: string): FastifyReply {
  const heading = result.ok ? 'Done' : 'That did not work';
  return sendHtml(
    reply,
    result.ok ? 200 : 400,
    heading,
    `<main><h1>${heading}</h1><p>${escapeHtml(words)}</p><p>You can close this window.</p></main>\n` +
      `<script type="application/json" id="result">${scriptJson(result)}</script>`,
    [RESULT_SCRIPT],
  );
}
