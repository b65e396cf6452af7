// A private sheet's view page in Chromium, with the relay signing viewers in through the
// project's Google emulator: the browser walks the real redirects and keeps the real cookies.
import { describe, expect, it } from 'vitest';
import { cellText, openPage, useBrowserGoogleRelay } from './helpers/browser.ts';
import { cell, eventually, postEdits, publishDoc } from './helpers/index.ts';

const env = useBrowserGoogleRelay();

describe('the view of a private sheet', () => {
  it('takes an anonymous viewer through Google sign-in and back to the live view', async () => {
    env.google.setConsent('auto', 'alice@example.com');
    const doc = await publishDoc(env.relay, { title: 'Board salaries', access: 'restricted', allow: ['alice@example.com'] });
    await postEdits(env.relay, doc, [cell('A1', 'CEO')]);
    const page = await openPage(env.browser);
    await page.goto(`${env.relay.url}/view/${doc.shareId}`);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('CEO'));
    expect(new URL(page.url()).pathname).toBe(`/view/${doc.shareId}`);
    // The page's HTML names no private title; the snapshot, once admitted, does.
    await eventually(async () => expect(await page.title()).toBe('Board salaries · Sheetcast'));
    await postEdits(env.relay, doc, [cell('A1', 'Chair')]);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('Chair'));
  });

  it('tells a signed-in viewer who is not on the list so, and offers to sign in with another account', async () => {
    env.google.setConsent('auto', 'bob@example.com');
    const doc = await publishDoc(env.relay, { title: 'Board salaries', access: 'restricted', allow: ['alice@example.com'] });
    const page = await openPage(env.browser);
    await page.goto(`${env.relay.url}/view/${doc.shareId}`);
    await eventually(async () =>
      expect(await page.locator('sheetcast-view .message').textContent()).toContain('not on the list of people who may see this sheet'),
    );
    expect(await page.locator('sheetcast-view .message a').textContent()).toBe('Sign in with another account');
    expect(await cellText(page, 'A1')).toBeNull();
    expect(await page.title()).toBe('Private sheet · Sheetcast');
    expect(await page.content()).not.toContain('Board salaries');
  });
});
