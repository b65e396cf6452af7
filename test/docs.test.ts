// The Docs service on its own: a real SQLite store and local bus, whose messages are recorded.
import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from '../relay/bus/bus.ts';
import { LocalBus } from '../relay/bus/local.ts';
import { Docs, type Publication } from '../relay/docs/docs.ts';
import { HttpError } from '../relay/errors.ts';
import { secretMatches } from '../relay/secrets.ts';
import { openSqlite } from '../relay/store/open.ts';
import type { Store } from '../relay/store/store.ts';

let store: Store;
afterEach(async () => {
  await store?.close();
});

function setUp(cellsPerDoc = 100): { docs: Docs; heard: BusMessage[] } {
  ({ store } = openSqlite(':memory:', { historyLimit: 100, batchIdLimit: 100 }));
  const bus = new LocalBus();
  const heard: BusMessage[] = [];
  bus.subscribe((message) => heard.push(message));
  return { docs: new Docs(store, bus, { cellsPerDoc }), heard };
}

const publication: Publication = {
  ownerId: 'admin', spreadsheetId: 'sheet', title: 'T',
  ranges: [{ sheet: 'S', range: 'A1:B2' }], access: 'link', allow: [],
};

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  const { status, code } = error as HttpError;
  return { status, code };
}

describe('the Docs service', () => {
  it('publishes with fresh ids and an ingest key that only its hash is stored of', async () => {
    const { docs } = setUp();
    const one = await docs.publish(publication);
    const two = await docs.publish(publication);
    expect(one.doc.docId).not.toBe(two.doc.docId);
    expect(one.doc.shareId).not.toBe(two.doc.shareId);
    const stored = (await store.getDoc(one.doc.docId))!;
    expect(stored.ingestKeyHash).not.toContain(one.ingestKey);
    expect(secretMatches(one.ingestKey, stored.ingestKeyHash)).toBe(true);
    expect(secretMatches(two.ingestKey, stored.ingestKeyHash)).toBe(false);
  });

  it('stores ranges in canonical A1 and refuses more cells than a doc may publish, storing nothing', async () => {
    const { docs } = setUp(100);
    const { doc } = await docs.publish({ ...publication, ranges: [{ sheet: 'S', range: 'b2:a1' }, { sheet: 'T', range: 'c3' }] });
    expect((await store.getDoc(doc.docId))!.ranges).toEqual([{ sheet: 'S', range: 'A1:B2' }, { sheet: 'T', range: 'C3' }]);
    expect(await refusal(docs.publish({ ...publication, spreadsheetId: 'big', ranges: [{ sheet: 'S', range: 'A1:J11' }] }))).toEqual({ status: 413, code: 'too_many_cells' });
    expect(await store.findDoc('admin', 'big')).toBeNull();
  });

  it('starts a new epoch only when the ranges really change, and says which on the bus', async () => {
    const { docs, heard } = setUp();
    const { doc } = await docs.publish(publication);
    const renamed = await docs.change(doc, { title: 'New', ranges: [{ sheet: 'S', range: 'a1:b2' }] });
    expect(renamed).toMatchObject({ title: 'New', epoch: doc.epoch });
    const moved = await docs.change(renamed, { ranges: [{ sheet: 'S', range: 'A1:C3' }] });
    expect(moved.epoch).toBe(doc.epoch + 1);
    expect(await refusal(docs.change(moved, { ranges: [{ sheet: 'S', range: 'A1:Z99' }] }))).toEqual({ status: 413, code: 'too_many_cells' });
    expect(heard).toEqual([
      { type: 'doc', docId: doc.docId, event: 'settings' },
      { type: 'doc', docId: doc.docId, event: 'epoch' },
    ]);
  });

  it('refuses to change a doc unpublished meanwhile, telling nobody', async () => {
    const { docs, heard } = setUp();
    const { doc } = await docs.publish(publication);
    await store.deleteDoc(doc.docId);
    expect(await refusal(docs.change(doc, { title: 'Late' }))).toEqual({ status: 404, code: 'unknown_doc' });
    expect(heard).toEqual([]);
  });

  it('unpublishes: the doc is gone and every instance hears it', async () => {
    const { docs, heard } = setUp();
    const { doc } = await docs.publish(publication);
    await docs.unpublish(doc.docId);
    expect(await store.getDoc(doc.docId)).toBeNull();
    expect(heard).toEqual([{ type: 'doc', docId: doc.docId, event: 'unpublished' }]);
  });

  it('rotates the ingest key: the new one matches, the old one no longer does', async () => {
    const { docs } = setUp();
    const { doc, ingestKey } = await docs.publish(publication);
    const next = await docs.rotateKey(doc.docId);
    const stored = (await store.getDoc(doc.docId))!;
    expect(secretMatches(next, stored.ingestKeyHash)).toBe(true);
    expect(secretMatches(ingestKey, stored.ingestKeyHash)).toBe(false);
  });
});
