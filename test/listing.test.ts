// The Marketplace listing kit: built afresh by `npm run listing`'s own function into a temporary
// directory, every image at the pixel size the store listing asks for (read from the PNG header),
// the screenshots taken now from the real view and sidebar, the descriptions within their
// lengths, and the scope justifications naming exactly the scopes the add-on and the relay ask for.
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildListing, LISTING_DIR, LISTING_IMAGES, RELAY_ICONS, RELAY_ICONS_DIR, SCREENSHOT_SIZE } from '../scripts/build-listing.ts';
import { icoSizes, pngSize } from '../scripts/lib/png.ts';
import { DRIVE_FILE_SCOPE, SIGN_IN_SCOPES } from '../relay/google/clients.ts';
import { ADDON_SCOPES, RELAY_SCOPES } from '../relay/routes/front/policies.ts';

const out = `${mkdtempSync(join(tmpdir(), 'sheetcast-listing-'))}/`;
const relayIcons = `${mkdtempSync(join(tmpdir(), 'sheetcast-icons-'))}/`;
let built: { listing: string[]; relay: string[] };
let startedAt = 0;

beforeAll(async () => {
  startedAt = Date.now();
  built = await buildListing({ out, relayIcons });
}, 120_000);

const size = (path: string) => pngSize(readFileSync(path));
const square = (n: number) => ({ width: n, height: n });

describe('the listing images', () => {
  it('are every icon and the card banner, at the sizes the store listing asks for', () => {
    expect(readdirSync(out).filter((f) => !f.startsWith('screenshot-')).sort()).toEqual(Object.keys(LISTING_IMAGES).sort());
    for (const [name, expected] of Object.entries(LISTING_IMAGES)) expect(size(out + name), name).toEqual(expected);
  });

  it('include screenshots of the live view, the sidebar and the home page, taken by this build at 1280×800', () => {
    const shots = built.listing.filter((f) => f.startsWith('screenshot-'));
    expect(shots).toEqual(['screenshot-1-view.png', 'screenshot-2-sidebar.png', 'screenshot-3-home.png']);
    for (const shot of shots) {
      expect(size(out + shot), shot).toEqual(SCREENSHOT_SIZE);
      expect(statSync(out + shot).mtimeMs, shot).toBeGreaterThanOrEqual(startedAt);
    }
  });

  it("render the relay's web icons, and the committed ones the relay serves are the same sizes", () => {
    for (const dir of [relayIcons, RELAY_ICONS_DIR]) {
      expect(icoSizes(readFileSync(`${dir}favicon.ico`))).toEqual(RELAY_ICONS['favicon.ico'].map(square));
      for (const name of ['apple-touch-icon.png', 'icon-192.png', 'icon-512.png'] as const) expect(size(dir + name), dir + name).toEqual(square(RELAY_ICONS[name]));
    }
  });
});

describe('the listing texts', () => {
  it('keep the short description within 200 characters and the detailed one within 16,000', () => {
    const short = readFileSync(`${LISTING_DIR}short-description.txt`, 'utf8').trim();
    const detailed = readFileSync(`${LISTING_DIR}detailed-description.txt`, 'utf8').trim();
    expect(short.length).toBeGreaterThan(40);
    expect(short.length).toBeLessThanOrEqual(200);
    expect(detailed.length).toBeLessThanOrEqual(16_000);
    expect(detailed).toContain('Publish the selection');
  });

  it('justify exactly the scopes of the add-on manifest and of the relay, one section each', () => {
    const manifest = JSON.parse(readFileSync(new URL('../appsscript.json', import.meta.url), 'utf8')) as { oauthScopes: string[] };
    const text = readFileSync(`${LISTING_DIR}scopes.md`, 'utf8');
    const [, addon = '', relay = ''] = text.split(/^## /m);
    const sections = (part: string) => [...part.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]!);
    expect(sections(addon).sort()).toEqual([...manifest.oauthScopes].sort());
    expect(sections(relay).sort()).toEqual([...SIGN_IN_SCOPES, DRIVE_FILE_SCOPE].sort());
    expect(Object.keys(RELAY_SCOPES).sort()).toEqual([...SIGN_IN_SCOPES, DRIVE_FILE_SCOPE].sort());
    // The privacy policy's tables of scopes are the same lists.
    expect(Object.keys(ADDON_SCOPES).sort()).toEqual([...manifest.oauthScopes].sort());
  });
});
