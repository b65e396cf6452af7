// The webhook deliveries' variables: spread into config.ts's table, read into `config.webhooks`.
import { flag, whole, type Variable } from './config-readers.ts';

const HOUR = 3_600_000;

export interface WebhookConfig {
  /** Deliver to private, loopback and link-local addresses, and over plain http (tests, private networks). */
  allowPrivate: boolean;
  /** Webhooks one doc may have. */
  perDoc: number;
  /** A delivery that has not answered within this fails (and is retried). */
  timeoutMs: number;
  /** The first retry's delay; each further one doubles it, up to `maxRetryMs`, with jitter. */
  retryMs: number;
  maxRetryMs: number;
  /** An endpoint failing for this long is disabled. */
  disableAfterMs: number;
  /** How often each relay looks for deliveries to retry or that it missed. */
  sweepMs: number;
}

export const WEBHOOK_VARIABLES = {
  SHEETCAST_WEBHOOKS_ALLOW_PRIVATE: flag(false),
  SHEETCAST_WEBHOOKS_PER_DOC: whole(10, 1, 1_000),
  SHEETCAST_WEBHOOK_TIMEOUT_MS: whole(10_000, 100, 120_000),
  SHEETCAST_WEBHOOK_RETRY_MS: whole(5_000, 10, HOUR),
  SHEETCAST_WEBHOOK_MAX_RETRY_MS: whole(HOUR, 10, 24 * HOUR),
  SHEETCAST_WEBHOOK_DISABLE_AFTER_MS: whole(24 * HOUR, 1_000, 30 * 24 * HOUR),
  SHEETCAST_WEBHOOK_SWEEP_MS: whole(5_000, 50, HOUR),
};

type Values = { [K in keyof typeof WEBHOOK_VARIABLES]: (typeof WEBHOOK_VARIABLES)[K] extends Variable<infer T> ? T : never };

export function webhookConfig(v: Values): WebhookConfig {
  return {
    allowPrivate: v.SHEETCAST_WEBHOOKS_ALLOW_PRIVATE,
    perDoc: v.SHEETCAST_WEBHOOKS_PER_DOC,
    timeoutMs: v.SHEETCAST_WEBHOOK_TIMEOUT_MS,
    retryMs: v.SHEETCAST_WEBHOOK_RETRY_MS,
    maxRetryMs: Math.max(v.SHEETCAST_WEBHOOK_RETRY_MS, v.SHEETCAST_WEBHOOK_MAX_RETRY_MS),
    disableAfterMs: v.SHEETCAST_WEBHOOK_DISABLE_AFTER_MS,
    sweepMs: v.SHEETCAST_WEBHOOK_SWEEP_MS,
  };
}
