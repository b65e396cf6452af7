// One contract for the Google records (grants, doc sync, Drive channels) on every backend.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../relay/store/open.ts';
import { dropTestSchemas, storeKinds } from './helpers/stores.ts';

afterAll(dropTestSchemas);

for (const [name, open] of storeKinds) {
  describe(`${name} Google records`, () => {
    let stores: Stores;
    afterEach(() => stores?.store.close());

    it('keeps one sealed grant per owner, replaced on save', async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.googleRecords;
      const grant = { ownerId: 'google:1', email: 'a@x.com', scopes: ['openid'], sealedRefreshToken: 'v1.r', sealedAccessToken: null, accessExpiresAt: null, updatedAt: 1 };
      await records.saveGoogleGrant(grant);
      await records.saveGoogleGrant({ ...grant, sealedAccessToken: 'v1.a', accessExpiresAt: 1_800_000_000_000, updatedAt: 2 });
      expect(await records.getGoogleGrant('google:1')).toEqual({ ...grant, sealedAccessToken: 'v1.a', accessExpiresAt: 1_800_000_000_000, updatedAt: 2 });
      await records.deleteGoogleGrant('google:1');
      expect(await records.getGoogleGrant('google:1')).toBeNull();
    });

    it("keeps sync state per doc and lists an owner's", async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.googleRecords;
      const sync = { docId: 'd1', ownerId: 'google:1', status: 'live' as const, lastSyncAt: null, lastError: null, updatedAt: 1 };
      await records.saveDocSync(sync);
      await records.saveDocSync({ ...sync, docId: 'd2', status: 'reconnect_needed', lastError: 'revoked' });
      expect(await records.getDocSync('d1')).toEqual(sync);
      expect((await records.docSyncsOf('google:1')).map((s) => [s.docId, s.status])).toEqual([['d1', 'live'], ['d2', 'reconnect_needed']]);
      await records.deleteDocSync('d1');
      expect(await records.getDocSync('d1')).toBeNull();
    });

    it('finds Drive channels by id, by doc and by expiry', async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.googleRecords;
      const channel = { channelId: 'c1', docId: 'd1', resourceId: 'r1', tokenHash: 'h', expiresAt: 2000, createdAt: 1 };
      await records.saveDriveChannel(channel);
      await records.saveDriveChannel({ ...channel, channelId: 'c2', expiresAt: 1000 });
      expect(await records.getDriveChannel('c1')).toEqual(channel);
      expect((await records.driveChannelsOf('d1')).map((c) => c.channelId)).toEqual(['c2', 'c1']);
      expect((await records.driveChannelsExpiringBefore(1500)).map((c) => c.channelId)).toEqual(['c2']);
      await records.deleteDriveChannel('c2');
      expect((await records.driveChannelsOf('d1')).map((c) => c.channelId)).toEqual(['c1']);
    });

    it("lets one relay at a time claim a channel's renewal, until its claim runs out", async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.googleRecords;
      await records.saveDriveChannel({ channelId: 'c1', docId: 'd1', resourceId: 'r1', tokenHash: 'h', expiresAt: 2000, createdAt: 1 });
      const claims = await Promise.all(['a', 'b', 'c'].map((relay) => records.claimDriveChannel('c1', relay, 1_100, 1_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const holder = ['a', 'b', 'c'][claims.indexOf(true)]!;
      const other = holder === 'a' ? 'b' : 'a';
      expect(await records.claimDriveChannel('c1', other, 1_150, 1_050)).toBe(false);
      expect(await records.claimDriveChannel('c1', holder, 1_150, 1_050)).toBe(true); // its own claim, extended
      expect(await records.claimDriveChannel('c1', other, 1_300, 1_200)).toBe(true); // the claim ran out
      expect(await records.claimDriveChannel('missing', other, 1_300, 1_200)).toBe(false);
    });
  });
}
