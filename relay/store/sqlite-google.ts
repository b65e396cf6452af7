// The Google records in the embedded store, on the doc store's connection (and behind its gate).
import type { StatementSync } from 'node:sqlite';
import type { DocSyncRecord, DriveChannelRecord, GoogleGrantRecord, GoogleRecords } from './google-records.ts';
import { docSyncValues, driveChannelValues, grantValues, toDocSync, toDriveChannel, toGoogleGrant } from './rows.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

type Row = Record<string, any>;

export class SqliteGoogleRecords implements GoogleRecords {
  readonly #connection: SqliteConnection;
  readonly #sql: Record<string, StatementSync>;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    const db = connection.db;
    this.#sql = {
      saveGrant: db.prepare(
        `INSERT INTO google_grants (owner_id, email, scopes, sealed_refresh_token, sealed_access_token, access_expires_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner_id) DO UPDATE SET email = excluded.email, scopes = excluded.scopes,
           sealed_refresh_token = excluded.sealed_refresh_token, sealed_access_token = excluded.sealed_access_token,
           access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
      ),
      grant: db.prepare('SELECT * FROM google_grants WHERE owner_id = ?'),
      deleteGrant: db.prepare('DELETE FROM google_grants WHERE owner_id = ?'),
      saveSync: db.prepare(
        `INSERT INTO doc_sync (doc_id, owner_id, status, last_sync_at, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET owner_id = excluded.owner_id, status = excluded.status,
           last_sync_at = excluded.last_sync_at, last_error = excluded.last_error, updated_at = excluded.updated_at`,
      ),
      sync: db.prepare('SELECT * FROM doc_sync WHERE doc_id = ?'),
      syncsOf: db.prepare('SELECT * FROM doc_sync WHERE owner_id = ? ORDER BY doc_id'),
      deleteSync: db.prepare('DELETE FROM doc_sync WHERE doc_id = ?'),
      saveChannel: db.prepare(
        'INSERT INTO drive_channels (channel_id, doc_id, resource_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      channel: db.prepare('SELECT * FROM drive_channels WHERE channel_id = ?'),
      channelsOf: db.prepare('SELECT * FROM drive_channels WHERE doc_id = ? ORDER BY expires_at'),
      channelsExpiring: db.prepare('SELECT * FROM drive_channels WHERE expires_at < ? ORDER BY expires_at'),
      deleteChannel: db.prepare('DELETE FROM drive_channels WHERE channel_id = ?'),
      claimChannel: db.prepare(
        'UPDATE drive_channels SET renewing_by = ?, renewing_until = ? WHERE channel_id = ? AND (renewing_until IS NULL OR renewing_until < ? OR renewing_by = ?)',
      ),
    };
  }

  async #run(statement: string, ...args: (string | number | null)[]): Promise<void> {
    await this.#connection.run(() => this.#sql[statement]!.run(...args));
  }

  #one<T>(statement: string, key: string, map: (row: Row) => T): Promise<T | null> {
    return this.#connection.run(() => {
      const row = this.#sql[statement]!.get(key) as Row | undefined;
      return row ? map(row) : null;
    });
  }

  #all<T>(statement: string, key: string | number, map: (row: Row) => T): Promise<T[]> {
    return this.#connection.run(() => (this.#sql[statement]!.all(key) as Row[]).map(map));
  }

  saveGoogleGrant(grant: GoogleGrantRecord): Promise<void> {
    return this.#run('saveGrant', ...grantValues(grant));
  }

  getGoogleGrant(ownerId: string): Promise<GoogleGrantRecord | null> {
    return this.#one('grant', ownerId, toGoogleGrant);
  }

  deleteGoogleGrant(ownerId: string): Promise<void> {
    return this.#run('deleteGrant', ownerId);
  }

  saveDocSync(sync: DocSyncRecord): Promise<void> {
    return this.#run('saveSync', ...docSyncValues(sync));
  }

  getDocSync(docId: string): Promise<DocSyncRecord | null> {
    return this.#one('sync', docId, toDocSync);
  }

  docSyncsOf(ownerId: string): Promise<DocSyncRecord[]> {
    return this.#all('syncsOf', ownerId, toDocSync);
  }

  deleteDocSync(docId: string): Promise<void> {
    return this.#run('deleteSync', docId);
  }

  saveDriveChannel(channel: DriveChannelRecord): Promise<void> {
    return this.#run('saveChannel', ...driveChannelValues(channel));
  }

  getDriveChannel(channelId: string): Promise<DriveChannelRecord | null> {
    return this.#one('channel', channelId, toDriveChannel);
  }

  driveChannelsOf(docId: string): Promise<DriveChannelRecord[]> {
    return this.#all('channelsOf', docId, toDriveChannel);
  }

  driveChannelsExpiringBefore(time: number): Promise<DriveChannelRecord[]> {
    return this.#all('channelsExpiring', time, toDriveChannel);
  }

  deleteDriveChannel(channelId: string): Promise<void> {
    return this.#run('deleteChannel', channelId);
  }

  claimDriveChannel(channelId: string, holder: string, until: number, now: number): Promise<boolean> {
    return this.#connection.run(() => Number(this.#sql.claimChannel!.run(holder, until, channelId, now, holder).changes) === 1);
  }
}
