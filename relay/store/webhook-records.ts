// The webhook records: each endpoint a doc's owner registered, with its delivery cursor (the last
// epoch/seq it acknowledged) and its lease. The queue is the doc's delta history itself: nothing
// about a pending delivery lives in memory, so a restart or another relay carries on from the row.

export type WebhookState = 'active' | 'disabled';

/** Where an endpoint stands: what it acknowledged last and how its failures go. */
export interface DeliveryState {
  state: WebhookState;
  /** The last epoch and seq the endpoint acknowledged (2xx); deliveries go on after them. */
  epoch: number;
  seq: number;
  /** Failed attempts in a row; 0 after a success. */
  attempts: number;
  /** Ms since the epoch before which no delivery is tried (backoff); 0: at once. */
  nextAttemptAt: number;
  lastError: string | null;
  /** When the current run of failures began; null while deliveries succeed. */
  failingSince: number | null;
  disabledAt: number | null;
}

export interface WebhookRecord extends DeliveryState {
  id: string;
  docId: string;
  url: string;
  /** The signing secret, sealed (AES-256-GCM) with a key derived from SHEETCAST_SECRET_KEY. */
  sealedSecret: string;
  createdAt: number;
}

export interface WebhookRecords {
  createWebhook(webhook: WebhookRecord): Promise<void>;
  getWebhook(id: string): Promise<WebhookRecord | null>;
  /** A doc's webhooks, oldest first. */
  webhooksOf(docId: string): Promise<WebhookRecord[]>;
  countWebhooks(docId: string): Promise<number>;
  /** False when the doc has no webhook with this id. */
  deleteWebhook(docId: string, id: string): Promise<boolean>;
  /** Every webhook of a doc, and of any doc no longer published. */
  deleteWebhooksOf(docId: string): Promise<void>;
  /**
   * Active webhooks whose doc has moved past their cursor, whose backoff is over at `now` and
   * whose lease is free: what a sweep should deliver to (at most `limit`, longest waiting first).
   */
  dueWebhooks(now: number, limit: number): Promise<string[]>;
  /**
   * Takes (or extends) the webhook's lease for `owner` until `until`, if it is active and its lease
   * is free at `now` or already `owner`'s. One conditional UPDATE: of several relays, one wins.
   */
  acquireLease(id: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  /** Saves the delivery state only while `owner` holds the lease; false when it does not. */
  saveDelivery(id: string, owner: string, state: DeliveryState): Promise<boolean>;
}
