// Where an edit enters: a batch is checked against the limits, clipped to the doc's published
// ranges, applied by the store (which orders it), and its delta handed to the bus.
import type { IngestResult, RangeValues } from '../../protocol/wire.ts';
import { clipFormats, type IncomingFormat } from '../cells/formats.ts';
import type { Bus } from '../bus/bus.ts';
import { checkGrids, clip, countCells, toAreas } from '../cells/cells.ts';
import type { Config } from '../config.ts';
import { fail } from '../errors.ts';
import { OverLimitError, type DocRecord, type Store } from '../store/store.ts';

export interface IngestMetrics {
  batch(outcome: 'applied' | 'unchanged' | 'duplicate', applied: number, dropped: number): void;
}

export interface IncomingBatch {
  batchId: string;
  at: number;
  grids: RangeValues[];
  /** Whole-range formats (a snapshot range's, or an edits request's `formats`). */
  formats?: IncomingFormat[];
}

/** How far ahead of the relay's clock an `at` may be: beyond it one bad clock would pin cells. */
const MAX_CLOCK_SKEW_MS = 10 * 60_000;

export class Ingestor {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #limits: Config['limits'];
  readonly #metrics: IngestMetrics;

  constructor(store: Store, bus: Bus, limits: Config['limits'], metrics: IngestMetrics) {
    this.#store = store;
    this.#bus = bus;
    this.#limits = limits;
    this.#metrics = metrics;
  }

  /** Applies edits (`field` "edits") or an authoritative snapshot (`field` "ranges"). */
  async apply(doc: DocRecord, batch: IncomingBatch, field: 'edits' | 'ranges'): Promise<IngestResult> {
    const rects = checkGrids(batch.grids, field);
    const cells = countCells(rects);
    if (cells > this.#limits.cellsPerRequest) {
      throw fail('too_many_cells', `${cells} cells in one request; the limit is ${this.#limits.cellsPerRequest}`);
    }
    if (batch.at > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw fail('invalid_at', '"at" is more than 10 minutes in the future; it must be the read time in ms since the epoch');
    }
    const clipped = clip(batch.grids, rects, toAreas(doc.ranges));
    const formats = clipFormats(batch.formats ?? [], doc.ranges);
    const outcome = await this.#store
      .applyBatch(doc.docId, {
        batchId: batch.batchId,
        at: batch.at,
        epoch: doc.epoch,
        writes: clipped.writes,
        areas: clipped.areas,
        formats,
        incoming: clipped.incoming,
      })
      .catch((error: unknown) => {
        if (!(error instanceof OverLimitError)) throw error;
        throw fail('doc_too_large', `${error.message} (SHEETCAST_DOC_BYTES); nothing was applied`);
      });
    if (!outcome) throw fail('unknown_doc', 'this doc is not published');
    const { result, delta } = outcome;
    if (delta) this.#bus.publish({ type: 'delta', delta });
    this.#metrics.batch(result.duplicate ? 'duplicate' : delta ? 'applied' : 'unchanged', result.applied, result.dropped);
    return result;
  }
}
