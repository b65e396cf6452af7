// The Docs service: publishing, changing, unpublishing a doc and rotating its ingest key. It alone
// writes a doc's settings to the store and tells every instance (the bus) what changed.
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { Bus } from '../bus/bus.ts';
import { publishedCellCount, toAreas } from '../cells/cells.ts';
import { fail } from '../errors.ts';
import { hashSecret, newDocId, newIngestKey, newShareId } from '../secrets.ts';
import { OverLimitError, type DocRecord, type Store } from '../store/store.ts';

type Ranges = DocRecord['ranges'];

/** What a publisher chooses: the ids and the ingest key are made here. */
export type Publication = Pick<DocRecord, 'ownerId' | 'spreadsheetId' | 'title' | 'ranges' | 'access' | 'allow'> & Partial<Pick<DocRecord, 'view'>>;

/** The settings a publisher may change; new ranges start a new epoch. */
export type Settings = Partial<Pick<DocRecord, 'title' | 'ranges' | 'access' | 'allow' | 'view'>>;

export class Docs {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #cellsPerDoc: number;
  readonly #docsPerPublisher: number;

  constructor(store: Store, bus: Bus, limits: { cellsPerDoc: number; docsPerPublisher?: number }) {
    this.#store = store;
    this.#bus = bus;
    this.#cellsPerDoc = limits.cellsPerDoc;
    this.#docsPerPublisher = limits.docsPerPublisher ?? Number.MAX_SAFE_INTEGER;
  }

  /** The ranges in canonical A1 (upper case, corners in order), refused over the per-doc cell limit. */
  checkRanges(ranges: Ranges): Ranges {
    const cells = publishedCellCount(toAreas(ranges));
    if (cells > this.#cellsPerDoc) {
      throw fail('too_many_cells', `the ranges hold ${cells} cells; a doc may publish ${this.#cellsPerDoc}`);
    }
    return ranges.map((r) => ({ sheet: r.sheet, range: formatA1(parseA1(r.range)!) }));
  }

  /** Publishes a doc with fresh ids and a fresh ingest key, which exists only in this answer. */
  async publish({ ownerId, spreadsheetId, title, ranges, access, allow, view = {} }: Publication): Promise<{ doc: DocRecord; ingestKey: string }> {
    const ingestKey = newIngestKey();
    // The store counts and creates in one step: publishes racing each other cannot pass the cap.
    const doc = await this.#store.createDoc({
      docId: newDocId(),
      shareId: newShareId(),
      ownerId,
      spreadsheetId,
      title,
      ranges: this.checkRanges(ranges),
      access,
      allow,
      view,
      ingestKeyHash: hashSecret(ingestKey),
    }, this.#docsPerPublisher).catch((error: unknown) => {
      if (!(error instanceof OverLimitError)) throw error;
      throw fail('too_many_docs', `a publisher may have ${this.#docsPerPublisher} docs published; unpublish one first`);
    });
    return { doc, ingestKey };
  }

  /** Changes a doc's settings; only ranges that really differ start a new epoch. */
  async change(doc: DocRecord, settings: Settings): Promise<DocRecord> {
    const { ranges, ...rest } = settings;
    const newRanges = ranges ? this.checkRanges(ranges) : undefined;
    const rangesChanged = newRanges !== undefined && JSON.stringify(newRanges) !== JSON.stringify(doc.ranges);
    const updated = await this.#store.updateDoc(doc.docId, { ...rest, ...(rangesChanged ? { ranges: newRanges } : {}) });
    if (!updated) throw fail('unknown_doc', 'no doc has this id');
    this.#bus.publish({ type: 'doc', docId: doc.docId, event: rangesChanged ? 'epoch' : 'settings' });
    return updated;
  }

  /** Deletes the doc with its cells; every instance closes its viewers. */
  async unpublish(docId: string): Promise<void> {
    await this.#store.deleteDoc(docId);
    this.#bus.publish({ type: 'doc', docId, event: 'unpublished' });
  }

  /** A new ingest key for the doc; the old one stops working at once. */
  async rotateKey(docId: string): Promise<string> {
    const ingestKey = newIngestKey();
    await this.#store.updateDoc(docId, { ingestKeyHash: hashSecret(ingestKey) });
    return ingestKey;
  }
}
