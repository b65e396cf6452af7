// Rows as both SQL stores keep them (same columns, JSON in TEXT, ms in integers) and the
// records the rest of the relay sees.
import type { DocSyncRecord, DriveChannelRecord, GoogleGrantRecord } from './google-records.ts';
import type { DocSettings, StoredDelta } from './backend.ts';
import type { DocRecord } from './store.ts';

export interface DocRow {
  doc_id: string;
  share_id: string;
  owner_id: string;
  spreadsheet_id: string;
  title: string;
  ranges: string;
  access: string;
  allow: string;
  view: string;
  ingest_key_hash: string;
  epoch: number;
  seq: number;
  batch_count: number;
  bytes: number;
  created_at: number;
  last_edit_at: number | null;
}

export function toDoc(row: DocRow): DocRecord {
  return {
    docId: row.doc_id,
    shareId: row.share_id,
    ownerId: row.owner_id,
    spreadsheetId: row.spreadsheet_id,
    title: row.title,
    ranges: JSON.parse(row.ranges),
    access: row.access as DocRecord['access'],
    allow: JSON.parse(row.allow),
    view: JSON.parse(row.view),
    ingestKeyHash: row.ingest_key_hash,
    epoch: row.epoch,
    seq: row.seq,
    createdAt: row.created_at,
    lastEditAt: row.last_edit_at,
  };
}

/** The docs columns a change of settings sets, with their stored values. */
export function settingColumns(settings: DocSettings): [string, string | number][] {
  const columns: [string, string | number | undefined][] = [
    ['title', settings.title],
    ['access', settings.access],
    ['allow', settings.allow && JSON.stringify(settings.allow)],
    ['view', settings.view && JSON.stringify(settings.view)],
    ['ingest_key_hash', settings.ingestKeyHash],
    ['ranges', settings.ranges && JSON.stringify(settings.ranges)],
    ['epoch', settings.epoch],
  ];
  return columns.filter((c): c is [string, string | number] => c[1] !== undefined);
}

export interface DeltaRow {
  seq: number;
  changes: string;
  formats: string | null;
}

export function toStoredDelta(row: DeltaRow): StoredDelta {
  return { seq: row.seq, changes: JSON.parse(row.changes), ...(row.formats !== null && { formats: JSON.parse(row.formats) }) };
}

export function toDocSync(row: Record<string, any>): DocSyncRecord {
  return {
    docId: row.doc_id,
    ownerId: row.owner_id,
    status: row.status,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

export function toDriveChannel(row: Record<string, any>): DriveChannelRecord {
  return {
    channelId: row.channel_id,
    docId: row.doc_id,
    resourceId: row.resource_id,
    tokenHash: row.token_hash,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

export function toGoogleGrant(row: Record<string, any>): GoogleGrantRecord {
  return {
    ownerId: row.owner_id,
    email: row.email,
    scopes: JSON.parse(row.scopes),
    sealedRefreshToken: row.sealed_refresh_token,
    sealedAccessToken: row.sealed_access_token,
    accessExpiresAt: row.access_expires_at,
    updatedAt: row.updated_at,
  };
}

// Each record's columns in the order the INSERTs name them.
export const grantValues = (g: GoogleGrantRecord) =>
  [g.ownerId, g.email, JSON.stringify(g.scopes), g.sealedRefreshToken, g.sealedAccessToken, g.accessExpiresAt, g.updatedAt] as const;
export const docSyncValues = (s: DocSyncRecord) => [s.docId, s.ownerId, s.status, s.lastSyncAt, s.lastError, s.updatedAt] as const;
export const driveChannelValues = (c: DriveChannelRecord) => [c.channelId, c.docId, c.resourceId, c.tokenHash, c.expiresAt, c.createdAt] as const;
