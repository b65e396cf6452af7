// The add-on's own budgets. Apps Script's documented limits they respect are named beside each.

/**
 * Cells compared with what was last sent on each trigger run (the repair of dropped onEdit
 * events). Docs up to this size are compared whole on every run; larger ones in a rotating
 * window of this many cells, so a dropped edit is repaired within a few runs.
 */
export const REPAIR_CELLS_PER_RUN = 2_000;

/**
 * Published cells that keep a 4-character fingerprint of what was last sent (4 bytes each in
 * document properties: 80 KB of the store's 500 KB). Cells past it are caught by the hourly check.
 */
export const BASELINE_CELLS = 20_000;

/** Pending batches kept in document properties before the outbox gives way to one resync snapshot. */
export const OUTBOX_MAX_BYTES = 100_000;
export const OUTBOX_MAX_ENTRIES = 100;

/** Apps Script allows 9 KB per property value; chunks stay safely under it (UTF-8 bytes). */
export const PROPERTY_CHUNK_BYTES = 8_000;

/** Outbox batches re-sent in one run once the relay answers again (the rest wait for the next run). */
export const MAX_FLUSH_PER_RUN = 20;

/** Recent sends shown in the sidebar. */
export const RECENT_SENDS = 10;

/**
 * Ranges listed per recent send (a recalculated rank column makes a batch of hundreds); the
 * rest are counted. With RECENT_SENDS and ERROR_CHARS this bounds the status by construction.
 */
export const RECENT_RANGES = 5;

/** The longest error message kept for the sidebar. */
export const ERROR_CHARS = 1_000;

/**
 * How long a trigger run waits for the document lock before leaving its cells to the next run's
 * repair pass. Short: every second waited counts against the publisher's trigger time (90 min a
 * day on a consumer account), and a run holding the lock is usually one fetch from done.
 */
export const LOCK_WAIT_MS = 5_000;

/**
 * The whole state's budget in document properties, under Apps Script's 500 KB per store (UTF-8
 * bytes of keys and values), and each part's. The parts' budgets add up to less than the whole,
 * so a store within them is within the limit by construction; logic/budget.ts sheds a part over
 * its budget. The doc record without its allow list, the status and the sync record are
 * bounded by construction far under theirs (50 ranges, 10 recent sends, 50 fingerprints).
 */
export const STORE_BUDGET_BYTES = 480_000;
export const PART_BUDGETS = {
  /** Over it, the links are read again with every format read. */
  links: 8_000,
  status: 32_000,
  /** A restricted share's allow list (500 entries of up to 320 characters) may pass it. */
  doc: 152_000,
  sync: 8_000,
  /** Over it, the hidden lines are read on every run instead of kept. */
  hidden: 60_000,
  /** As stored: the batches' JSON inside the outbox's JSON, escapes included. */
  outbox: 120_000,
  /** BASELINE_CELLS × 4 characters, with the chunks' keys. */
  baselines: 90_000,
} as const;
