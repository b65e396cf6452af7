// Drive push channels on connected docs' spreadsheets: opened with a per-channel secret token
// (kept only as a hash), checked when a notification arrives, replaced before they expire, and
// stopped when the doc is unpublished or disconnected.
import type { OAuth2Client } from 'google-auth-library';
import { hashSecret, randomId, secretMatches } from '../secrets.ts';
import type { DriveChannelRecord, GoogleRecords } from '../store/google-records.ts';
import type { DocRecord } from '../store/store.ts';
import type { GoogleClients } from './clients.ts';

/** Time as the channel renewal sees it; tests move it forward without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ChannelOptions {
  /** Where Drive POSTs notifications: `${PUBLIC_URL}/webhooks/drive`. */
  address: string;
  ttlMs: number;
  renewMs: number;
}

/** Drive's channel ids: up to 64 of [A-Za-z0-9-_+/=]. Anything else is refused unread. */
export const CHANNEL_ID = /^[A-Za-z0-9_+/=-]{1,64}$/;

export type Verdict = { ok: true; channel: DriveChannelRecord } | { ok: false; status: 401 | 404 };

export class DriveChannels {
  readonly #records: GoogleRecords;
  readonly #clients: GoogleClients;
  readonly #clock: Clock;
  readonly #options: ChannelOptions;

  constructor(records: GoogleRecords, clients: GoogleClients, clock: Clock, options: ChannelOptions) {
    this.#records = records;
    this.#clients = clients;
    this.#clock = clock;
    this.#options = options;
  }

  /** Watches the doc's spreadsheet; the token goes to Google once and is stored hashed. */
  async open(doc: DocRecord, auth: OAuth2Client): Promise<DriveChannelRecord> {
    const channelId = `sc-${randomId(24)}`;
    const token = randomId(32);
    const response = await this.#clients.drive(auth).files.watch({
      fileId: doc.spreadsheetId,
      supportsAllDrives: true,
      requestBody: {
        id: channelId,
        type: 'web_hook',
        address: this.#options.address,
        token,
        expiration: String(this.#clock.now() + this.#options.ttlMs),
      },
    });
    const channel: DriveChannelRecord = {
      channelId,
      docId: doc.docId,
      resourceId: response.data.resourceId ?? '',
      tokenHash: hashSecret(token),
      // Drive may grant less than asked; what it grants is what counts.
      expiresAt: Number(response.data.expiration) || this.#clock.now() + this.#options.ttlMs,
      createdAt: this.#clock.now(),
    };
    await this.#records.saveDriveChannel(channel);
    return channel;
  }

  /** Stops the channel at Google when it can (a dead grant cannot: it expires by itself) and forgets it. */
  async stop(channel: DriveChannelRecord, auth: OAuth2Client | null): Promise<void> {
    await this.#records.deleteDriveChannel(channel.channelId);
    if (!auth) return;
    await this.#clients
      .drive(auth)
      .channels.stop({ requestBody: { id: channel.channelId, resourceId: channel.resourceId } })
      .catch(() => undefined);
  }

  of(docId: string): Promise<DriveChannelRecord[]> {
    return this.#records.driveChannelsOf(docId);
  }

  /** Channels that expire within the renewal margin, by the clock. */
  due(): Promise<DriveChannelRecord[]> {
    return this.#records.driveChannelsExpiringBefore(this.#clock.now() + this.#options.renewMs);
  }

  /** A notification's channel, when its id is known and its token and resource match. */
  async verify(channelId: string, token: string, resourceId: string): Promise<Verdict> {
    if (!CHANNEL_ID.test(channelId)) return { ok: false, status: 404 };
    const channel = await this.#records.getDriveChannel(channelId);
    if (!channel) return { ok: false, status: 404 };
    if (!token || !secretMatches(token, channel.tokenHash) || resourceId !== channel.resourceId) return { ok: false, status: 401 };
    return { ok: true, channel };
  }
}
