// Which part of an edited rectangle is published: nothing outside these parts ever leaves the sheet.

import { intersect, parseA1, type Rect } from '../../protocol/a1.ts';
import type { PublishedRange } from '../../protocol/wire.ts';

/** One published range's part of an edit: `index` is the range's position in the doc. */
export interface Clip {
  index: number;
  sheet: string;
  rect: Rect;
}

export function clipToPublished(sheet: string, edited: Rect, ranges: readonly PublishedRange[]): Clip[] {
  const clips: Clip[] = [];
  ranges.forEach((published, index) => {
    if (published.sheet !== sheet) return;
    const bounds = parseA1(published.range);
    const rect = bounds && intersect(bounds, edited);
    if (rect) clips.push({ index, sheet, rect });
  });
  return clips;
}

/** The published range as a rectangle; throws on a range that is not bounded A1 (never stored). */
export function rangeRect(published: PublishedRange): Rect {
  const rect = parseA1(published.range);
  if (!rect) throw new Error(`Not a bounded A1 range: ${published.range}`);
  return rect;
}
