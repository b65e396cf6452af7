// The sidebar's view settings through the add-on's server functions: the built bundle in the
// Apps Script harness publishes them to the real relay, keeps them, and refuses malformed ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishOptions } from '../protocol/sidebar.ts';
import { api, connectViewer } from './helpers/index.ts';
import { PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

const OPTIONS: PublishOptions = { title: 'Board', ranges: [{ sheet: 'Sheet1', range: 'A1:B3' }], access: 'link', allow: [] };
/** What a sidebar other than ours could send: the server functions take JSON from the page. */
const untyped = (view: unknown) => ({ ...OPTIONS, view }) as PublishOptions;

async function docView(docShare: string) {
  const viewer = await connectViewer(world.relay, docShare);
  try {
    return (await viewer.next('snapshot')).view;
  } finally {
    viewer.close();
  }
}

describe('the view settings the publisher chooses in the sidebar', () => {
  it('are sent with the publish, kept in the sidebar state, and changed by publishing again on the same link', async () => {
    const sheet = world.spreadsheet();
    const state = sheet.run(PUBLISHER, 'publish', { ...OPTIONS, view: { chrome: false, board: true, theme: 'dark' } });
    expect(state.view).toEqual({ chrome: false, board: true, theme: 'dark' });
    expect(sheet.run(PUBLISHER, 'getState').view).toEqual({ chrome: false, board: true, theme: 'dark' });
    expect(await docView(state.shareId!)).toEqual({ chrome: false, board: true, theme: 'dark' });

    const again = sheet.run(PUBLISHER, 'publish', { ...OPTIONS, view: { search: true } });
    expect(again.shareId).toBe(state.shareId);
    expect(await docView(state.shareId!)).toEqual({ search: true });
  });

  it('are the defaults when the sidebar sends none', async () => {
    const sheet = world.spreadsheet();
    const state = sheet.run(PUBLISHER, 'publish', OPTIONS);
    expect(state.view).toEqual({});
    expect(await docView(state.shareId!)).toEqual({});
  });

  it('are refused in words when malformed, and nothing is published', async () => {
    const sheet = world.spreadsheet();
    expect(() => sheet.run(PUBLISHER, 'publish', untyped({ board: 'yes' }))).toThrow('The view setting "board" is either on or off.');
    expect(() => sheet.run(PUBLISHER, 'publish', untyped({ theme: 'sepia' }))).toThrow('The theme is light, dark or automatic.');
    expect(sheet.run(PUBLISHER, 'getState').published).toBe(false);
    const docs = await api(world.relay, 'GET', '/v1/docs', { token: world.relay.adminToken });
    expect(JSON.stringify(docs.body)).not.toContain('sepia');
  });
});
