// A doc that has viewers on this instance: its cells in memory (so a snapshot or a resume
// costs no store read), its viewers, its most recent delta frames and its presence counts.
import type { Viewer } from './viewer.ts';
import { intersect, parseA1, type Rect } from '../../protocol/a1.ts';
import type { Access, DeltaFrame, SharedRange, ShareSnapshot, SnapshotFrame, ViewSettings } from '../../protocol/wire.ts';
import type { Delta, DocRecord } from '../store/store.ts';

const RECENT_FRAMES = 128;
/** Another instance's presence report counts for this long without news. */
const PRESENCE_TTL_MS = 10_000;

interface LiveRange extends SharedRange {
  rect: Rect;
}

export class LiveDoc {
  readonly docId: string;
  readonly shareId: string;
  readonly viewers = new Set<Viewer>();
  /** Viewers between arriving and being added; the doc stays loaded for them. */
  joining = 0;
  epoch = 0;
  seq = 0;
  title = '';
  access: Access = 'link';
  allow: string[] = [];
  view: ViewSettings = {};
  #ranges: LiveRange[] = [];
  #snapshotFrame: Buffer | null = null;
  #recent: { seq: number; frame: Buffer }[] = [];
  /** Viewer counts of other instances, by instance id, with when they were reported. */
  readonly #remoteViewers = new Map<string, { viewers: number; seenAt: number }>();
  #presenceSent = -1;
  /** This instance's own count as last told to the others, and when. */
  #localReported = -1;
  #localReportedAt = 0;

  constructor(doc: DocRecord, snapshot: ShareSnapshot) {
    this.docId = doc.docId;
    this.shareId = doc.shareId;
    this.reset(doc, snapshot);
  }

  /** Nobody watches or is joining: the doc may be unloaded. */
  get idle(): boolean {
    return this.viewers.size === 0 && this.joining === 0;
  }

  /** Starts over from the store's word: new settings, cells and position; history is dropped. */
  reset(doc: DocRecord, snapshot: ShareSnapshot): void {
    this.title = doc.title;
    this.access = doc.access;
    this.allow = doc.allow;
    this.view = doc.view;
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.#ranges = snapshot.ranges.map((r) => ({ ...r, rect: parseA1(r.range)! }));
    this.#snapshotFrame = null;
    this.#recent = [];
  }

  /** Applies the next delta (its seq must be this doc's seq + 1) and returns its frame. */
  apply(delta: Delta): Buffer {
    for (const change of delta.changes) {
      const rect = parseA1(change.range)!;
      for (const range of this.#ranges) {
        if (range.sheet !== change.sheet) continue;
        const both = intersect(rect, range.rect);
        if (!both) continue;
        for (let row = both.top; row <= both.bottom; row++) {
          const from = change.values[row - rect.top]!;
          const to = range.values[row - range.rect.top]!;
          for (let col = both.left; col <= both.right; col++) {
            const value = from[col - rect.left];
            if (value !== null && value !== undefined) to[col - range.rect.left] = value;
          }
        }
      }
    }
    for (const change of delta.formats ?? []) {
      for (const range of this.#ranges) if (range.sheet === change.sheet && range.range === change.range) range.format = change.format;
    }
    this.seq = delta.seq;
    this.#snapshotFrame = null;
    const frame = deltaFrame(delta);
    this.#recent.push({ seq: delta.seq, frame });
    if (this.#recent.length > RECENT_FRAMES) this.#recent.shift();
    return frame;
  }

  snapshot(): ShareSnapshot {
    return {
      epoch: this.epoch,
      seq: this.seq,
      title: this.title,
      ranges: this.#ranges.map(({ sheet, range, values, format }) => ({ sheet, range, values, ...(format && { format }) })),
      view: this.view,
    };
  }

  /** The snapshot frame, serialized once per seq however many viewers ask. */
  snapshotFrame(): Buffer {
    this.#snapshotFrame ??= toFrame({ type: 'snapshot', ...this.snapshot() } satisfies SnapshotFrame);
    return this.#snapshotFrame;
  }

  /** The frames after `seq` from memory, or null when they are no longer all there. */
  recentFramesAfter(seq: number): Buffer[] | null {
    if (seq === this.seq) return [];
    const first = this.#recent[0];
    if (!first || seq < first.seq - 1 || seq > this.seq) return null;
    return this.#recent.filter((f) => f.seq > seq).map((f) => f.frame);
  }

  /** Another instance reported how many viewers of this doc it has. */
  heard(instance: string, viewers: number, now: number): void {
    this.#remoteViewers.set(instance, { viewers, seenAt: now });
  }

  /** Viewers here and on every instance heard from lately. */
  viewerCount(now: number): number {
    let n = this.viewers.size;
    for (const r of this.#remoteViewers.values()) if (now - r.seenAt < PRESENCE_TTL_MS) n += r.viewers;
    return n;
  }

  /** This instance's count when the others should hear it (it changed, or they would soon forget it), else null. */
  localReportDue(now: number): number | null {
    const local = this.viewers.size;
    if (local === this.#localReported && now - this.#localReportedAt <= PRESENCE_TTL_MS / 2) return null;
    this.#localReported = local;
    this.#localReportedAt = now;
    return local;
  }

  /** The total count when it differs from what the viewers were last told, else null. */
  presenceChange(now: number): number | null {
    const viewers = this.viewerCount(now);
    if (viewers === this.#presenceSent) return null;
    this.#presenceSent = viewers;
    return viewers;
  }
}

/** A delta as its frame: `formats` only when the delta changed one. */
export function deltaFrame(delta: Delta): Buffer {
  const frame: DeltaFrame = { type: 'delta', seq: delta.seq, changes: delta.changes, ...(delta.formats && { formats: delta.formats }) };
  return toFrame(frame);
}

export function toFrame(frame: object): Buffer {
  return Buffer.from(JSON.stringify(frame));
}
