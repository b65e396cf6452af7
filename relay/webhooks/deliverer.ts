// Delivering a doc's changes to its webhooks. The queue is the store's delta history and each
// endpoint's cursor; one relay at a time delivers to an endpoint, holding a lease on its row (a
// conditional UPDATE), so several relays, or one restarted, deliver every event in order, at least once.
import { Webhook } from 'standardwebhooks';
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookConfig } from '../config-webhooks.ts';
import type { Store } from '../store/store.ts';
import type { DeliveryState, WebhookRecord, WebhookRecords } from '../store/webhook-records.ts';
import { eventsAfter, messageId, signedHeaders } from './events.ts';
import { unsealSecret } from './secret.ts';
import { send, type SendOutcome } from './send.ts';

export interface DeliveryMetrics {
  attempt(outcome: 'delivered' | 'failed' | 'refused', seconds: number): void;
  disabled(): void;
}

export interface DelivererOptions {
  /** This relay's name in leases. */
  instance: string;
  config: WebhookConfig;
  sealingKey: Buffer;
  log: FastifyBaseLogger;
  metrics: DeliveryMetrics;
}

/** A relay started with another SHEETCAST_SECRET_KEY cannot sign: a failure the owner sees, like any other. */
const SECRET_UNREADABLE = { ok: false, error: 'the signing secret cannot be opened: SHEETCAST_SECRET_KEY is not the key it was sealed with' } as const;

/** Webhooks one sweep takes up at most; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

export class WebhookDeliverer {
  readonly #store: Store;
  readonly #records: WebhookRecords;
  readonly #options: DelivererOptions;
  readonly #config: WebhookConfig;
  readonly #leaseMs: number;
  /** Endpoints this relay is delivering to now, and those to look at again when that ends. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #leasedUntil = new Map<string, number>();
  readonly #docsLooking = new Map<string, boolean>();
  /** Docs found without webhooks, until when: most docs have none, and every delta would ask again. */
  readonly #noWebhooks = new Map<string, number>();
  #closed = false;

  constructor(store: Store, records: WebhookRecords, options: DelivererOptions) {
    this.#store = store;
    this.#records = records;
    this.#options = options;
    this.#config = options.config;
    // Long enough for one attempt and its bookkeeping; renewed before every attempt.
    this.#leaseMs = 2 * options.config.timeoutMs + 5_000;
  }

  /** A doc has a new delta: deliver it to each of its endpoints that is not waiting out a backoff. */
  docChanged(docId: string): void {
    if (this.#closed || (this.#noWebhooks.get(docId) ?? 0) > Date.now()) return;
    // Deltas of a busy doc arriving while its webhooks are being looked up are served by that one look.
    if (this.#docsLooking.has(docId)) return void this.#docsLooking.set(docId, true);
    this.#docsLooking.set(docId, false);
    void this.#records
      .webhooksOf(docId)
      .then((hooks) => {
        // A webhook registered on another relay meanwhile is found by the sweep, which asks the store.
        if (hooks.length === 0) this.#noWebhooks.set(docId, Date.now() + this.#config.sweepMs);
        else this.#noWebhooks.delete(docId);
        for (const hook of hooks) if (hook.state === 'active' && hook.nextAttemptAt <= Date.now()) this.#kick(hook.id);
      })
      .catch((error: unknown) => this.#options.log.warn({ err: error, docId }, 'looking up webhooks failed; the sweep will retry'))
      .finally(() => {
        const more = this.#docsLooking.get(docId);
        this.#docsLooking.delete(docId);
        if (more) this.docChanged(docId);
      });
  }

  /** A webhook was registered on this relay: its doc's next delta looks again. */
  webhookAdded(docId: string): void {
    this.#noWebhooks.delete(docId);
  }

  /** Retries that are due, and anything a lost bus message or a stopped relay left undelivered. */
  async sweep(): Promise<void> {
    if (this.#closed) return;
    const now = Date.now();
    for (const [docId, until] of this.#noWebhooks) if (until <= now) this.#noWebhooks.delete(docId);
    for (const id of await this.#records.dueWebhooks(now, SWEEP_BATCH)) this.#kick(id);
  }

  /** Stops taking up endpoints and waits for the attempts under way; their leases are released. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }

  #kick(id: string): void {
    if (this.#closed) return;
    if (this.#running.has(id)) return void this.#again.add(id);
    const run = this.#deliver(id)
      .catch((error: unknown) => this.#options.log.warn({ err: error, webhookId: id }, 'webhook delivery stopped; the sweep will retry'))
      .finally(() => {
        this.#running.delete(id);
        if (this.#again.delete(id)) this.#kick(id);
      });
    this.#running.set(id, run);
  }

  /** Takes the endpoint's lease; true while this relay holds it. */
  async #lease(id: string): Promise<boolean> {
    const now = Date.now();
    if (!(await this.#records.acquireLease(id, this.#options.instance, now, now + this.#leaseMs))) return false;
    this.#leasedUntil.set(id, now + this.#leaseMs);
    return true;
  }

  /** Before an attempt: the lease is renewed once half of it is spent (a write fewer per delivery otherwise). */
  async #keepLease(id: string): Promise<boolean> {
    return (this.#leasedUntil.get(id) ?? 0) - Date.now() > this.#leaseMs / 2 || this.#lease(id);
  }

  /** Under the lease: the events after the cursor, one at a time, until one fails or none is left. */
  async #deliver(id: string): Promise<void> {
    const { instance } = this.#options;
    if (!(await this.#lease(id))) return;
    try {
      for (;;) {
        const hook = await this.#records.getWebhook(id);
        if (!hook || hook.state !== 'active' || hook.nextAttemptAt > Date.now()) return;
        const events = await eventsAfter(this.#store, hook);
        if (events.length === 0) return;
        const signer = this.#signer(hook);
        if (!signer) {
          await this.#records.saveDelivery(id, instance, this.#failed(hook, hook, SECRET_UNREADABLE));
          return;
        }
        let state: DeliveryState = hook;
        for (const event of events) {
          if (this.#closed || !(await this.#keepLease(id))) return;
          const body = JSON.stringify(event);
          const started = performance.now();
          const outcome = await send(new URL(hook.url), body, signedHeaders(signer, messageId(hook, event), body, Date.now()), this.#config);
          this.#options.metrics.attempt(outcome.ok ? 'delivered' : outcome.refused ? 'refused' : 'failed', (performance.now() - started) / 1000);
          state = outcome.ok ? delivered(state, event.epoch, event.seq) : this.#failed(hook, state, outcome);
          if (!(await this.#records.saveDelivery(id, instance, state)) || !outcome.ok) return;
        }
      }
    } finally {
      this.#leasedUntil.delete(id);
      await this.#records.releaseLease(id, instance);
    }
  }

  #signer(hook: WebhookRecord): Webhook | null {
    try {
      return new Webhook(unsealSecret(this.#options.sealingKey, hook.id, hook.sealedSecret));
    } catch {
      return null;
    }
  }

  /** Backoff after a failure, or disabled once the endpoint has failed for the whole window. */
  #failed(hook: WebhookRecord, state: DeliveryState, outcome: Extract<SendOutcome, { ok: false }>): DeliveryState {
    const now = Date.now();
    const failingSince = state.failingSince ?? now;
    const attempts = state.attempts + 1;
    if (now - failingSince >= this.#config.disableAfterMs) {
      this.#options.metrics.disabled();
      const lastError = `${outcome.error}; failing since ${new Date(failingSince).toISOString()}, so disabled`;
      this.#options.log.warn({ webhookId: hook.id, docId: hook.docId, lastError }, 'webhook disabled');
      return { ...state, state: 'disabled', attempts, lastError, failingSince, disabledAt: now };
    }
    return { ...state, attempts, lastError: outcome.error, failingSince, nextAttemptAt: now + retryDelay(this.#config, attempts) };
  }
}

function delivered(state: DeliveryState, epoch: number, seq: number): DeliveryState {
  return { ...state, epoch, seq, attempts: 0, nextAttemptAt: 0, failingSince: null };
}

/** Exponential backoff with jitter: the n-th retry waits between half and all of retryMs·2ⁿ⁻¹ (capped). */
export function retryDelay(config: Pick<WebhookConfig, 'retryMs' | 'maxRetryMs'>, attempts: number): number {
  const full = Math.min(config.maxRetryMs, config.retryMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(full / 2 + (Math.random() * full) / 2);
}
