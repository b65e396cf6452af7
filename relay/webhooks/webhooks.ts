// The Webhooks service: what the owner's routes call. Registering checks the target (SSRF) and the
// per-doc cap, and makes the signing secret, which exists in plaintext only in that answer.
import type { WebhookInfo } from '../../protocol/webhooks.ts';
import type { WebhookConfig } from '../config-webhooks.ts';
import { fail } from '../errors.ts';
import { randomId } from '../secrets.ts';
import type { DocRecord } from '../store/store.ts';
import type { WebhookRecord, WebhookRecords } from '../store/webhook-records.ts';
import { newWebhookSecret, sealSecret } from './secret.ts';
import { checkTarget } from './target.ts';

export class Webhooks {
  readonly #records: WebhookRecords;
  readonly #config: WebhookConfig;
  readonly #sealingKey: Buffer;
  readonly #added: (docId: string) => void;

  /** `added` hears of each registration (the deliverer stops taking the doc for one without webhooks). */
  constructor(records: WebhookRecords, config: WebhookConfig, sealingKey: Buffer, added: (docId: string) => void) {
    this.#records = records;
    this.#config = config;
    this.#sealingKey = sealingKey;
    this.#added = added;
  }

  /** A new endpoint for the doc, delivered every change after the doc's current epoch and seq. */
  async register(doc: DocRecord, rawUrl: string): Promise<{ id: string; secret: string }> {
    const url = await checkTarget(rawUrl, this.#config.allowPrivate);
    // A quota, not a lock: registrations racing each other may pass it by the few in flight.
    if ((await this.#records.countWebhooks(doc.docId)) >= this.#config.perDoc) {
      throw fail('too_many_webhooks', `a doc may have ${this.#config.perDoc} webhooks; delete one first`);
    }
    const id = randomId(12);
    const secret = newWebhookSecret();
    const hook: WebhookRecord = {
      id,
      docId: doc.docId,
      url: url.href,
      sealedSecret: sealSecret(this.#sealingKey, id, secret),
      createdAt: Date.now(),
      state: 'active',
      epoch: doc.epoch,
      seq: doc.seq,
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      failingSince: null,
      disabledAt: null,
    };
    await this.#records.createWebhook(hook);
    this.#added(doc.docId);
    return { id, secret };
  }

  async list(docId: string): Promise<WebhookInfo[]> {
    return (await this.#records.webhooksOf(docId)).map((w) => ({
      id: w.id,
      url: w.url,
      state: w.state,
      createdAt: w.createdAt,
      delivered: { epoch: w.epoch, seq: w.seq },
      lastError: w.lastError,
      failingSince: w.failingSince,
      disabledAt: w.disabledAt,
    }));
  }

  async remove(docId: string, id: string): Promise<void> {
    if (!(await this.#records.deleteWebhook(docId, id))) throw fail('unknown_webhook', 'this doc has no webhook with this id');
  }
}
