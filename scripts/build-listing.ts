// `npm run listing`: the Marketplace listing's images, from addon/listing/icon.svg, rendered by
// Debian's Chromium through playwright-core: the icon set and card banner in the sizes Google's
// store listing asks for, the relay's web icons (committed, the relay serves them), and
// screenshots of the real view and sidebar at the listing's screenshot size. Into dist/listing/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { icoOf } from './lib/png.ts';
import { takeScreenshots } from './lib/listing-screenshots.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LISTING_DIR = `${ROOT}addon/listing/`;
export const RELAY_ICONS_DIR = `${ROOT}relay/routes/front/icons/`;

/** The store listing's images and their pixel sizes (Marketplace SDK, "Store listing"). */
export const LISTING_IMAGES = {
  'icon-32.png': { width: 32, height: 32 },
  'icon-48.png': { width: 48, height: 48 },
  'icon-96.png': { width: 96, height: 96 },
  'icon-128.png': { width: 128, height: 128 },
  // The OAuth consent screen's application logo.
  'oauth-logo-120.png': { width: 120, height: 120 },
  'banner-220x140.png': { width: 220, height: 140 },
} as const;

/** Screenshots: the listing takes 1280×800 (at least one, at most five). */
export const SCREENSHOT_SIZE = { width: 1280, height: 800 } as const;

/** The relay's web icons: a favicon of three sizes, the home-screen icon, the manifest's two. */
export const RELAY_ICONS = {
  'favicon.ico': [16, 32, 48],
  'apple-touch-icon.png': 180,
  'icon-192.png': 192,
  'icon-512.png': 512,
} as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

const dataUrl = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

/** The icon at `size` pixels, its rounded corners transparent. */
async function renderIcon(browser: Browser, svg: string, size: number): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(`<body style="margin:0"><img src="${dataUrl(svg)}" width="${size}" height="${size}" style="display:block" alt=""></body>`);
  await page.locator('img').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
  const png = await page.screenshot({ omitBackground: true });
  await page.close();
  return png;
}

/** The card banner: the icon and the name on white, as the Marketplace shows it in a grid. */
async function renderBanner(browser: Browser, svg: string): Promise<Buffer> {
  const { width, height } = LISTING_IMAGES['banner-220x140.png'];
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  await page.setContent(
    `<body style="margin:0;width:${width}px;height:${height}px;display:flex;align-items:center;gap:10px;padding:0 12px;box-sizing:border-box;background:#fff;font-family:system-ui,'DejaVu Sans',sans-serif">` +
      `<img src="${dataUrl(svg)}" width="56" height="56" alt="">` +
      '<div><div style="font-size:22px;font-weight:700;color:#146c2e;line-height:1.1">Sheetcast</div>' +
      '<div style="font-size:12px;color:#3c4043;margin-top:4px;line-height:1.3">Google Sheets,<br>live on the web</div></div></body>',
  );
  await page.locator('img').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
  const png = await page.screenshot();
  await page.close();
  return png;
}

export interface ListingOptions {
  /** Where the listing images go (default dist/listing/). */
  out?: string;
  /** Where the relay's web icons go (default relay/routes/front/icons/, which is committed). */
  relayIcons?: string;
}

/** Renders every image of the listing; returns the files written, by directory. */
export async function buildListing(options: ListingOptions = {}): Promise<{ listing: string[]; relay: string[] }> {
  const out = options.out ?? `${ROOT}dist/listing/`;
  const relayIcons = options.relayIcons ?? RELAY_ICONS_DIR;
  const svg = await readFile(`${LISTING_DIR}icon.svg`, 'utf8');
  await mkdir(out, { recursive: true });
  await mkdir(relayIcons, { recursive: true });
  const browser = await launchBrowser();
  const written = { listing: [] as string[], relay: [] as string[] };
  try {
    for (const [name, { width }] of Object.entries(LISTING_IMAGES)) {
      if (name.startsWith('banner')) continue;
      await writeFile(out + name, await renderIcon(browser, svg, width));
      written.listing.push(name);
    }
    await writeFile(`${out}banner-220x140.png`, await renderBanner(browser, svg));
    written.listing.push('banner-220x140.png');
    for (const [name, size] of Object.entries(RELAY_ICONS)) {
      const bytes = typeof size === 'number' ? await renderIcon(browser, svg, size) : icoOf(await Promise.all(size.map((s) => renderIcon(browser, svg, s))));
      await writeFile(relayIcons + name, bytes);
      written.relay.push(name);
    }
    written.listing.push(...(await takeScreenshots(browser, out, SCREENSHOT_SIZE)));
  } finally {
    await browser.close();
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { listing, relay } = await buildListing();
  console.log(`dist/listing:\n  ${listing.join('\n  ')}\nrelay/routes/front/icons:\n  ${relay.join('\n  ')}`);
}
