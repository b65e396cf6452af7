// The Google records: publishers' sealed grants, the server-side sync state of connected docs and
// the Drive channels watching them. Kept beside the docs (same database, same connection), but
// apart from the doc Store: nothing here is ordered or sequenced.

/** A publisher's offline Google grant. Tokens are sealed (AES-256-GCM), never stored in plaintext. */
export interface GoogleGrantRecord {
  /** `google:<sub>`, the same id that owns the docs this account publishes. */
  ownerId: string;
  email: string;
  scopes: string[];
  sealedRefreshToken: string;
  sealedAccessToken: string | null;
  /** Ms since the epoch when the access token expires, as Google said. */
  accessExpiresAt: number | null;
  updatedAt: number;
}

/** `live`: Sheetcast reads the doc from the Sheets API on Drive notifications. */
export type SyncStatus = 'live' | 'reconnect_needed';

/** Server-side sync of a doc from Google (the add-on-free path). */
export interface DocSyncRecord {
  docId: string;
  /** Whose grant reads the spreadsheet. */
  ownerId: string;
  status: SyncStatus;
  lastSyncAt: number | null;
  /** Why the doc needs reconnecting, in words; null while live. */
  lastError: string | null;
  updatedAt: number;
}

/** A Drive push channel watching a doc's spreadsheet; its token is kept only as a hash. */
export interface DriveChannelRecord {
  channelId: string;
  docId: string;
  resourceId: string;
  tokenHash: string;
  /** Ms since the epoch, as Drive granted it. */
  expiresAt: number;
  createdAt: number;
}

export interface GoogleRecords {
  saveGoogleGrant(grant: GoogleGrantRecord): Promise<void>;
  getGoogleGrant(ownerId: string): Promise<GoogleGrantRecord | null>;
  deleteGoogleGrant(ownerId: string): Promise<void>;
  saveDocSync(sync: DocSyncRecord): Promise<void>;
  getDocSync(docId: string): Promise<DocSyncRecord | null>;
  docSyncsOf(ownerId: string): Promise<DocSyncRecord[]>;
  deleteDocSync(docId: string): Promise<void>;
  saveDriveChannel(channel: DriveChannelRecord): Promise<void>;
  getDriveChannel(channelId: string): Promise<DriveChannelRecord | null>;
  driveChannelsOf(docId: string): Promise<DriveChannelRecord[]>;
  /** Channels that expire before `time` (ms since the epoch), soonest first. */
  driveChannelsExpiringBefore(time: number): Promise<DriveChannelRecord[]>;
  deleteDriveChannel(channelId: string): Promise<void>;
  /**
   * Takes the channel's renewal for `holder` until `until` (ms), unless another holder's claim
   * is still running at `now`: with several relays, one renews each channel. True when taken.
   */
  claimDriveChannel(channelId: string, holder: string, until: number, now: number): Promise<boolean>;
}
