// Text inside the relay's HTML pages: every character that could end an element or an attribute
// becomes a character reference. Inline styles are allowed by their hash only.
import { createHash } from 'node:crypto';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A CSP `style-src` source that allows exactly this inline stylesheet. */
export function styleSource(css: string): string {
  return `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
}

/**
 * The CSP of the relay's own pages: its own scripts and sockets, this inline stylesheet, images from
 * itself; no forms, no base, never framed (other sites show a share with embed.js, not in a frame).
 */
export function ownPageCsp(css: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${styleSource(css)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
