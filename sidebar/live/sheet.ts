// The published ranges as the view holds them: one tab per range, cells as display strings,
// per-row versions so the element re-renders only the rows a delta touched, and each range's
// format (a format change re-renders the tab's rows, like a value change re-renders its row).
import { intersect, parseA1 } from '../../protocol/a1.ts';
import type { Rect } from '../../protocol/a1.ts';
import type { DeltaFrame, RangeFormat, SharedRange, SnapshotFrame, ViewSettings } from '../../protocol/wire.ts';
import { readFormat } from './format.ts';
import type { SheetFormat } from './format.ts';

export interface SheetTab {
  /** `Sheet1!A1:D10`: unique within a doc, used as the tab's label and key. */
  readonly key: string;
  readonly sheet: string;
  readonly range: string;
  readonly rect: Rect;
  readonly values: string[][];
  /** Bumped whenever a cell of the row changes; rows whose version is unchanged are not re-rendered. */
  readonly rowVersions: number[];
  /** Bumped whenever any cell changes: what was worked out from the values (the sorted rows) is stale. */
  version: number;
  /** `performance.now()` of each cell's last change, 0 when it never changed on screen. */
  readonly changedAt: number[][];
  /** How often each cell changed; its parity restarts the highlight animation on every change. */
  readonly changes: number[][];
  /** The range's look; plain cells when the publisher sends no format. */
  format: SheetFormat;
  /** Bumped whenever the format changes: every row of the tab is rendered again. */
  formatVersion: number;
  /** The format as it arrived, to tell a real change from a repeat. */
  formatJson: string;
}

export class SheetModel {
  title = '';
  tabs: SheetTab[] = [];
  /** The publisher's view settings from the last snapshot. */
  view: ViewSettings = {};

  /**
   * Replaces everything with a snapshot. When the ranges are the same as before (a resync after
   * a reconnect) the rows are kept and the cells that differ count as changed.
   */
  loadSnapshot(frame: SnapshotFrame, now: number): number {
    this.title = frame.title;
    this.view = frame.view ?? {};
    const sameRanges =
      frame.ranges.length === this.tabs.length &&
      frame.ranges.every((r, i) => r.sheet === this.tabs[i]!.sheet && r.range === this.tabs[i]!.range);
    if (!sameRanges) {
      this.tabs = frame.ranges.flatMap((r) => {
        const tab = newTab(r);
        return tab ? [tab] : [];
      });
      return 0;
    }
    let changed = 0;
    frame.ranges.forEach((r, i) => {
      changed += applyRect(this.tabs[i]!, this.tabs[i]!.rect, r.values, now);
      setFormat(this.tabs[i]!, r.format);
    });
    return changed;
  }

  /** Applies a delta's changes to every tab they overlap; returns how many cells changed. */
  applyDelta(frame: DeltaFrame, now: number): number {
    let changed = 0;
    for (const change of frame.changes) {
      const rect = parseA1(change.range);
      if (!rect) continue;
      for (const tab of this.tabs) {
        if (tab.sheet !== change.sheet) continue;
        const overlap = intersect(tab.rect, rect);
        if (!overlap) continue;
        const part = change.values
          .slice(overlap.top - rect.top, overlap.bottom - rect.top + 1)
          .map((row) => row.slice(overlap.left - rect.left, overlap.right - rect.left + 1));
        changed += applyRect(tab, overlap, part, now);
      }
    }
    // A format names its range exactly as published and replaces that range's whole format.
    for (const change of frame.formats ?? []) {
      for (const tab of this.tabs) if (tab.sheet === change.sheet && tab.range === change.range) setFormat(tab, change.format);
    }
    return changed;
  }
}

function newTab(r: SharedRange): SheetTab | null {
  const rect = parseA1(r.range);
  if (!rect) return null;
  const height = rect.bottom - rect.top + 1;
  const width = rect.right - rect.left + 1;
  const grid = <T>(fill: (row: number, col: number) => T): T[][] =>
    Array.from({ length: height }, (_, i) => Array.from({ length: width }, (_, j) => fill(i, j)));
  return {
    key: `${r.sheet}!${r.range}`,
    sheet: r.sheet,
    range: r.range,
    rect,
    values: grid((i, j) => r.values[i]?.[j] ?? ''),
    rowVersions: new Array<number>(height).fill(0),
    version: 0,
    changedAt: grid(() => 0),
    changes: grid(() => 0),
    format: readFormat(r.format, height, width),
    formatVersion: 0,
    formatJson: JSON.stringify(r.format ?? null),
  };
}

function setFormat(tab: SheetTab, format: RangeFormat | undefined): void {
  const json = JSON.stringify(format ?? null);
  if (json === tab.formatJson) return;
  tab.format = readFormat(format, tab.values.length, tab.values[0]?.length ?? 0);
  tab.formatJson = json;
  tab.formatVersion++;
}

/** Writes a rectangle of values (null: unchanged) at `at` inside the tab; counts real changes. */
function applyRect(tab: SheetTab, at: Rect, values: (string | null)[][], now: number): number {
  let changed = 0;
  values.forEach((row, i) => {
    const r = at.top - tab.rect.top + i;
    const cells = tab.values[r];
    if (!cells) return;
    let rowChanged = false;
    row.forEach((value, j) => {
      const c = at.left - tab.rect.left + j;
      if (value === null || c >= cells.length || cells[c] === value) return;
      cells[c] = value;
      tab.changedAt[r]![c] = now;
      tab.changes[r]![c]!++;
      rowChanged = true;
      changed++;
    });
    if (rowChanged) {
      tab.rowVersions[r]!++;
      tab.version++;
    }
  });
  return changed;
}
