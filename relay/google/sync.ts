// Server-side sync of a connected doc: Drive tells the relay the spreadsheet changed, the relay
// waits a moment for the burst to end, reads the published ranges from the Sheets API and applies
// the difference through the ingest path (ordering, clipping and last-writer-wins stay there).
// A grant that stops working marks the doc "reconnect needed" instead of failing silently.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { OAuth2Client } from 'google-auth-library';
import type { Ingestor } from '../ingest/ingest.ts';
import { randomId } from '../secrets.ts';
import type { DocSyncRecord, DriveChannelRecord, GoogleRecords, SyncStatus } from '../store/google-records.ts';
import type { DocRecord, Store } from '../store/store.ts';
import type { Clock, DriveChannels } from './channels.ts';
import type { GoogleClients } from './clients.ts';
import { describeFailure, grantIsDead, type Grants } from './grants.ts';
import { readPublishedRanges } from './reconcile.ts';

export interface SyncState {
  status: SyncStatus | 'off';
  /** The Google account whose grant reads the spreadsheet. */
  account: string | null;
  lastSyncAt: number | null;
  lastError: string | null;
  channelExpiresAt: number | null;
}

/** What sync reports; the Google plugin backs these with prom-client. */
export interface SyncMetrics {
  read(outcome: 'applied' | 'unchanged' | 'failed' | 'reconnect_needed'): void;
  channelRenewed(): void;
  channelRenewalFailed(): void;
}

export interface GoogleSyncParts {
  store: Store;
  records: GoogleRecords;
  ingestor: Ingestor;
  clients: GoogleClients;
  grants: Grants;
  channels: DriveChannels;
  clock: Clock;
  log: FastifyBaseLogger;
  metrics: SyncMetrics;
  debounceMs: number;
}

/** How long a relay's claim to renew a channel stands: long enough for the two calls to Google. */
const RENEWAL_CLAIM_MS = 60_000;

export class GoogleSync {
  readonly #parts: GoogleSyncParts;
  /** This relay, as it signs its claims to renew channels. */
  readonly #holder = randomUUID();
  /** Docs with a read scheduled: notifications meanwhile join it. */
  readonly #scheduled = new Map<string, NodeJS.Timeout>();
  /** Docs being read now, and those notified during the read (read once more after it). */
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  #closed = false;

  constructor(parts: GoogleSyncParts) {
    this.#parts = parts;
  }

  async state(docId: string): Promise<SyncState> {
    const { records, grants, channels } = this.#parts;
    const sync = await records.getDocSync(docId);
    if (!sync) return { status: 'off', account: null, lastSyncAt: null, lastError: null, channelExpiresAt: null };
    const open = await channels.of(docId);
    return {
      status: sync.status,
      account: await grants.email(sync.ownerId),
      lastSyncAt: sync.lastSyncAt,
      lastError: sync.lastError,
      channelExpiresAt: open.length > 0 ? Math.max(...open.map((c) => c.expiresAt)) : null,
    };
  }

  /** Turns sync on with the owner's grant: reads the ranges now, then watches the spreadsheet. */
  async connect(doc: DocRecord): Promise<SyncState> {
    const { records, grants, channels, clock } = this.#parts;
    const auth = await grants.authorized(doc.ownerId);
    try {
      await this.#apply(doc, auth);
      for (const old of await channels.of(doc.docId)) await channels.stop(old, auth);
      await channels.open(doc, auth);
    } catch (error) {
      if (grantIsDead(error)) await this.#needsReconnect(doc.docId, doc.ownerId, error);
      throw error;
    }
    const now = clock.now();
    await records.saveDocSync({ docId: doc.docId, ownerId: doc.ownerId, status: 'live', lastSyncAt: now, lastError: null, updatedAt: now });
    return this.state(doc.docId);
  }

  /** Sync off: channels stopped at Google, sync state forgotten. Cells stay as they are. */
  async disconnect(docId: string): Promise<void> {
    const { records, channels } = this.#parts;
    const sync = await records.getDocSync(docId);
    const auth = sync ? await this.#authOrNull(sync.ownerId) : null;
    for (const channel of await channels.of(docId)) await channels.stop(channel, auth);
    await records.deleteDocSync(docId);
    this.#cancel(docId);
  }

  /** The publisher connected again: every doc of theirs waiting for it goes live again. */
  async reconnectAll(ownerId: string): Promise<void> {
    const { store, records, log } = this.#parts;
    for (const sync of await records.docSyncsOf(ownerId)) {
      if (sync.status !== 'reconnect_needed') continue;
      const doc = await store.getDoc(sync.docId);
      if (!doc) continue;
      await this.connect(doc).catch((error: unknown) => log.warn({ docId: doc.docId, reason: describeFailure(error) }, 'doc could not be reconnected'));
    }
  }

  /** A verified notification: `sync` only confirms the channel; anything else schedules a read. */
  notified(channel: DriveChannelRecord, state: string): void {
    if (state === 'sync' || this.#closed) return;
    this.schedule(channel.docId);
  }

  /** Reads the doc once the debounce window has passed, however many notifications arrive in it. */
  schedule(docId: string): void {
    if (this.#scheduled.has(docId)) return;
    const timer = setTimeout(() => {
      this.#scheduled.delete(docId);
      void this.#run(docId);
    }, this.#parts.debounceMs);
    timer.unref();
    this.#scheduled.set(docId, timer);
  }

  /** Reads a live doc from the Sheets API and applies the difference as one batch. */
  async reconcile(docId: string): Promise<void> {
    const { store, records, log } = this.#parts;
    const [doc, sync] = await Promise.all([store.getDoc(docId), records.getDocSync(docId)]);
    if (!doc || !sync || sync.status !== 'live') return;
    try {
      const auth = await this.#parts.grants.authorized(sync.ownerId);
      await this.#apply(doc, auth);
      const now = this.#parts.clock.now();
      await records.saveDocSync({ ...sync, lastSyncAt: now, updatedAt: now });
    } catch (error) {
      if (grantIsDead(error)) return this.#needsReconnect(docId, sync.ownerId, error);
      // Google or the network failed for now: the next notification (or renewal) reads again.
      this.#parts.metrics.read('failed');
      log.warn({ docId, reason: describeFailure(error) }, 'reading the doc from Google failed');
    }
  }

  /** Replaces every channel that expires within the renewal margin; stops those of gone docs. */
  async renewDue(): Promise<number> {
    const { store, records, channels, clock, log } = this.#parts;
    let renewed = 0;
    for (const channel of await channels.due()) {
      // Every relay looks for due channels; the one that claims a channel renews it.
      const now = clock.now();
      if (!(await records.claimDriveChannel(channel.channelId, this.#holder, now + RENEWAL_CLAIM_MS, now))) continue;
      const [doc, sync] = await Promise.all([store.getDoc(channel.docId), records.getDocSync(channel.docId)]);
      if (!doc || !sync) {
        await channels.stop(channel, sync ? await this.#authOrNull(sync.ownerId) : null);
        continue;
      }
      if (sync.status !== 'live') {
        if (channel.expiresAt <= clock.now()) await channels.stop(channel, null);
        continue;
      }
      try {
        const auth = await this.#parts.grants.authorized(sync.ownerId);
        // The new channel first: no change goes unnoticed between the two.
        await channels.open(doc, auth);
        await channels.stop(channel, auth);
        this.#parts.metrics.channelRenewed();
        renewed++;
      } catch (error) {
        if (grantIsDead(error)) await this.#needsReconnect(doc.docId, sync.ownerId, error);
        else {
          this.#parts.metrics.channelRenewalFailed();
          log.warn({ docId: doc.docId, reason: describeFailure(error) }, 'renewing the Drive channel failed; will retry');
        }
      }
    }
    return renewed;
  }

  /** Waits for reads in flight; drops those scheduled. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#scheduled.values()) clearTimeout(timer);
    this.#scheduled.clear();
    await Promise.allSettled(this.#running.values());
  }

  async #run(docId: string): Promise<void> {
    if (this.#closed) return;
    if (this.#running.has(docId)) return void this.#again.add(docId);
    // A read in the background has nobody to answer: a failure (the database away) is logged, and the next notification reads again.
    const failed = (error: unknown) => {
      this.#parts.metrics.read('failed');
      this.#parts.log.warn({ docId, err: error }, 'reading the doc failed');
    };
    const run = this.reconcile(docId).catch(failed).finally(() => {
      this.#running.delete(docId);
      if (this.#again.delete(docId)) this.schedule(docId);
    });
    this.#running.set(docId, run);
    await run;
  }

  async #apply(doc: DocRecord, auth: OAuth2Client): Promise<void> {
    // `at` is when the read started: an add-on edit read after it still wins, an older one does not.
    const at = Date.now();
    const ranges = await readPublishedRanges(this.#parts.clients.sheets(auth), doc);
    const grids = ranges.map(({ sheet, range, values }) => ({ sheet, range, values }));
    const formats = ranges.flatMap(({ sheet, range, format }, i) => (format ? [{ sheet, range, format, field: `ranges[${i}]` }] : []));
    const result = await this.#parts.ingestor.apply(doc, { batchId: `drive-${randomId(12)}`, at, grids, formats }, 'ranges');
    this.#parts.metrics.read(result.applied > 0 ? 'applied' : 'unchanged');
    this.#parts.log.info({ docId: doc.docId, applied: result.applied, seq: result.seq }, 'doc read from Google');
  }

  async #needsReconnect(docId: string, ownerId: string, error: unknown): Promise<void> {
    const now = this.#parts.clock.now();
    const previous = await this.#parts.records.getDocSync(docId);
    await this.#parts.records.saveDocSync({
      docId,
      ownerId,
      status: 'reconnect_needed',
      lastSyncAt: previous?.lastSyncAt ?? null,
      lastError: describeFailure(error),
      updatedAt: now,
    });
    this.#cancel(docId);
    this.#parts.metrics.read('reconnect_needed');
    this.#parts.log.warn({ docId, reason: describeFailure(error) }, 'doc needs its publisher to reconnect Google');
  }

  #cancel(docId: string): void {
    const timer = this.#scheduled.get(docId);
    if (timer) clearTimeout(timer);
    this.#scheduled.delete(docId);
  }

  async #authOrNull(ownerId: string): Promise<OAuth2Client | null> {
    return this.#parts.grants.authorized(ownerId).catch(() => null);
  }
}
