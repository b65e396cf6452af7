// The Google records in Postgres, on the doc store's pool.
import type pg from 'pg';
import type { DocSyncRecord, DriveChannelRecord, GoogleGrantRecord, GoogleRecords } from './google-records.ts';
import { docSyncValues, driveChannelValues, grantValues, toDocSync, toDriveChannel, toGoogleGrant } from './rows.ts';

type Row = Record<string, any>;

export class PostgresGoogleRecords implements GoogleRecords {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #run(sql: string, args: readonly unknown[]): Promise<void> {
    await this.#pool.query(sql, [...args]);
  }

  async #all<T>(sql: string, arg: unknown, map: (row: Row) => T): Promise<T[]> {
    return (await this.#pool.query(sql, [arg])).rows.map(map);
  }

  async #one<T>(sql: string, arg: unknown, map: (row: Row) => T): Promise<T | null> {
    return (await this.#all(sql, arg, map))[0] ?? null;
  }

  saveGoogleGrant(grant: GoogleGrantRecord): Promise<void> {
    return this.#run(
      `INSERT INTO google_grants (owner_id, email, scopes, sealed_refresh_token, sealed_access_token, access_expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (owner_id) DO UPDATE SET email = excluded.email, scopes = excluded.scopes,
         sealed_refresh_token = excluded.sealed_refresh_token, sealed_access_token = excluded.sealed_access_token,
         access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
      grantValues(grant),
    );
  }

  getGoogleGrant(ownerId: string): Promise<GoogleGrantRecord | null> {
    return this.#one('SELECT * FROM google_grants WHERE owner_id = $1', ownerId, toGoogleGrant);
  }

  deleteGoogleGrant(ownerId: string): Promise<void> {
    return this.#run('DELETE FROM google_grants WHERE owner_id = $1', [ownerId]);
  }

  saveDocSync(sync: DocSyncRecord): Promise<void> {
    return this.#run(
      `INSERT INTO doc_sync (doc_id, owner_id, status, last_sync_at, last_error, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (doc_id) DO UPDATE SET owner_id = excluded.owner_id, status = excluded.status,
         last_sync_at = excluded.last_sync_at, last_error = excluded.last_error, updated_at = excluded.updated_at`,
      docSyncValues(sync),
    );
  }

  getDocSync(docId: string): Promise<DocSyncRecord | null> {
    return this.#one('SELECT * FROM doc_sync WHERE doc_id = $1', docId, toDocSync);
  }

  docSyncsOf(ownerId: string): Promise<DocSyncRecord[]> {
    return this.#all('SELECT * FROM doc_sync WHERE owner_id = $1 ORDER BY doc_id', ownerId, toDocSync);
  }

  deleteDocSync(docId: string): Promise<void> {
    return this.#run('DELETE FROM doc_sync WHERE doc_id = $1', [docId]);
  }

  saveDriveChannel(channel: DriveChannelRecord): Promise<void> {
    return this.#run(
      'INSERT INTO drive_channels (channel_id, doc_id, resource_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      driveChannelValues(channel),
    );
  }

  getDriveChannel(channelId: string): Promise<DriveChannelRecord | null> {
    return this.#one('SELECT * FROM drive_channels WHERE channel_id = $1', channelId, toDriveChannel);
  }

  driveChannelsOf(docId: string): Promise<DriveChannelRecord[]> {
    return this.#all('SELECT * FROM drive_channels WHERE doc_id = $1 ORDER BY expires_at', docId, toDriveChannel);
  }

  driveChannelsExpiringBefore(time: number): Promise<DriveChannelRecord[]> {
    return this.#all('SELECT * FROM drive_channels WHERE expires_at < $1 ORDER BY expires_at', time, toDriveChannel);
  }

  deleteDriveChannel(channelId: string): Promise<void> {
    return this.#run('DELETE FROM drive_channels WHERE channel_id = $1', [channelId]);
  }

  async claimDriveChannel(channelId: string, holder: string, until: number, now: number): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE drive_channels SET renewing_by = $1, renewing_until = $2 WHERE channel_id = $3 AND (renewing_until IS NULL OR renewing_until < $4 OR renewing_by = $1)',
      [holder, until, channelId, now],
    );
    return rowCount === 1;
  }
}
