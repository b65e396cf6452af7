// Drive API v3 push notifications: files.watch opens a channel on a file, channels.stop closes it.
// The emulator really POSTs to the channel's address: `sync` when the channel opens, then `update`
// after a file changes, changes within the notification delay coalesced into one message, as
// Google batches a spreadsheet's edits.

import { createHash } from 'node:crypto';
import { apiError, type EmulatorRequest, type Reply, type Route } from './http.ts';
import { requireAccess } from './oauth.ts';
import type { TokenStore } from './tokens.ts';

export const DRIVE_WATCH_SCOPES = [
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.metadata',
  'https://www.googleapis.com/auth/drive.metadata.readonly',
];

/** Google's default and longest lifetime of a channel on a file. */
const DEFAULT_CHANNEL_LIFETIME_MS = 3600 * 1000;
const MAX_CHANNEL_LIFETIME_MS = 24 * 3600 * 1000;

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  fileId: string;
  address: string;
  token: string | null;
  /** Ms since the epoch. */
  expiration: number;
  messageNumber: number;
  stopped: boolean;
}

export interface Delivery {
  channelId: string;
  state: 'sync' | 'update';
  messageNumber: number;
  /** How many file changes this notification stands for (0 for `sync`). */
  changes: number;
  /** The receiver's HTTP status, or the network error's message; null while in flight. */
  outcome: number | string | null;
}

export interface DriveContext {
  tokens: TokenStore;
  /** Whether the file exists and that account may see it. */
  canSee(fileId: string, email: string): boolean;
  baseUrl(): string;
  notificationDelayMs: number;
}

function driveError(code: number, reason: string, message: string): Reply {
  return apiError(code, message, { errors: [{ domain: 'global', reason, message }] });
}

export class Drive {
  private readonly _context: DriveContext;
  private readonly _channels = new Map<string, Channel>();
  /** Per channel, the deliveries in flight, chained so the receiver sees them in order. */
  private readonly _queues = new Map<string, Promise<void>>();
  /** Per file, the timer of the coming `update` and how many changes it will carry. */
  private readonly _pending = new Map<string, { timer: NodeJS.Timeout; changes: number }>();
  readonly deliveries: Delivery[] = [];

  constructor(context: DriveContext) {
    this._context = context;
  }

  channels(): Channel[] {
    return [...this._channels.values()];
  }

  /** A file changed: one `update` to each of its live channels once the delay has passed. */
  fileChanged(fileId: string): void {
    const pending = this._pending.get(fileId);
    if (pending) {
      pending.changes++;
      return;
    }
    const timer = setTimeout(() => {
      const { changes } = this._pending.get(fileId) ?? { changes: 1 };
      this._pending.delete(fileId);
      for (const channel of this._channels.values()) {
        if (channel.fileId === fileId && this._live(channel)) this._notify(channel, 'update', changes);
      }
    }, this._context.notificationDelayMs);
    this._pending.set(fileId, { timer, changes: 1 });
  }

  /** Stops the timers and waits for deliveries in flight. */
  async close(): Promise<void> {
    for (const { timer } of this._pending.values()) clearTimeout(timer);
    this._pending.clear();
    for (const channel of this._channels.values()) channel.stopped = true;
    await Promise.all(this._queues.values());
  }

  routes(): Route[] {
    return [
      { method: 'POST', pattern: /^\/drive\/v3\/files\/([^/]+)\/watch$/, handle: (req, [fileId = '']) => this._watch(req, fileId) },
      { method: 'POST', pattern: /^\/drive\/v3\/channels\/stop$/, handle: (req) => this._stop(req) },
    ];
  }

  private _live(channel: Channel): boolean {
    return !channel.stopped && channel.expiration > Date.now();
  }

  private _watch(request: EmulatorRequest, fileId: string): Reply {
    const access = requireAccess(request, this._context.tokens, DRIVE_WATCH_SCOPES);
    if ('status' in access) return access;
    // Drive answers 404 for files the caller may not see, as for files that do not exist.
    if (!this._context.canSee(fileId, access.grant.user.email)) return driveError(404, 'notFound', `File not found: ${fileId}.`);
    const body = (request.json ?? {}) as Record<string, unknown>;
    const id = typeof body.id === 'string' ? body.id : '';
    const address = typeof body.address === 'string' ? body.address : '';
    if (!id) return driveError(400, 'required', 'Required parameter: id');
    if (body.type !== 'web_hook' && body.type !== 'webhook') return driveError(400, 'invalidArgument', `Invalid value for: type: ${String(body.type)}`);
    if (!URL.canParse(address)) return driveError(400, 'push.webhookUrlNotHttps', 'WebHook callback must be a valid URL.');
    if (this._channels.has(id)) return driveError(400, 'channelIdNotUnique', `Channel id ${id} not unique`);
    const now = Date.now();
    const requested = body.expiration === undefined || body.expiration === null ? now + DEFAULT_CHANNEL_LIFETIME_MS : Number(body.expiration);
    if (!Number.isFinite(requested)) return driveError(400, 'invalidArgument', `Invalid value for: expiration: ${String(body.expiration)}`);
    const channel: Channel = {
      id,
      resourceId: createHash('sha256').update(`file:${fileId}`).digest('base64url').slice(0, 27),
      resourceUri: `${this._context.baseUrl()}/drive/v3/files/${encodeURIComponent(fileId)}?acknowledgeAbuse=false&supportsAllDrives=false&supportsTeamDrives=false&alt=json`,
      fileId,
      address,
      token: typeof body.token === 'string' ? body.token : null,
      expiration: Math.min(requested, now + MAX_CHANNEL_LIFETIME_MS),
      messageNumber: 0,
      stopped: false,
    };
    this._channels.set(id, channel);
    this._notify(channel, 'sync');
    return {
      status: 200,
      body: {
        kind: 'api#channel',
        id: channel.id,
        resourceId: channel.resourceId,
        resourceUri: channel.resourceUri,
        ...(channel.token === null ? {} : { token: channel.token }),
        expiration: String(channel.expiration),
      },
    };
  }

  private _stop(request: EmulatorRequest): Reply {
    const access = requireAccess(request, this._context.tokens, DRIVE_WATCH_SCOPES);
    if ('status' in access) return access;
    const body = (request.json ?? {}) as Record<string, unknown>;
    const channel = typeof body.id === 'string' ? this._channels.get(body.id) : undefined;
    if (!channel || channel.resourceId !== body.resourceId) {
      return driveError(404, 'notFound', `Channel '${String(body.id)}' not found for resource '${String(body.resourceId)}'`);
    }
    channel.stopped = true;
    this._channels.delete(channel.id);
    return { status: 204 };
  }

  private _notify(channel: Channel, state: Delivery['state'], changes = 0): void {
    const messageNumber = ++channel.messageNumber;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
      ...(channel.token === null ? {} : { 'X-Goog-Channel-Token': channel.token }),
      ...(state === 'update' ? { 'X-Goog-Changed': 'content' } : {}),
    };
    // Logged when sent, so every notification of one change is in the log as soon as any arrives.
    const delivery: Delivery = { channelId: channel.id, state, messageNumber, changes, outcome: null };
    this.deliveries.push(delivery);
    const previous = this._queues.get(channel.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const response = await fetch(channel.address, { method: 'POST', headers, body: '' });
        await response.arrayBuffer();
        delivery.outcome = response.status;
      } catch (error) {
        delivery.outcome = error instanceof Error ? error.message : String(error);
      }
    });
    this._queues.set(channel.id, next);
    void next.finally(() => {
      if (this._queues.get(channel.id) === next) this._queues.delete(channel.id);
    });
  }
}
