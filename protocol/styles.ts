// Building a range's style table: each distinct style once, cells referring to it by index.
// Shared by every part that reads formats (the add-on, the relay's Sheets API path). Types only
// from the protocol, so it bundles anywhere.
import type { CellStyle, RangeFormat } from './wire.ts';

export class StyleTable {
  readonly styles: CellStyle[] = [{}];
  readonly #index = new Map<string, number>([['{}', 0]]);

  /** The style's index, adding it when new. Fields in one order, so equal styles are one entry. */
  indexOf(style: CellStyle): number {
    const key = JSON.stringify(Object.fromEntries(Object.entries(style).sort(([a], [b]) => (a < b ? -1 : 1))));
    let index = this.#index.get(key);
    if (index === undefined) {
      index = this.styles.length;
      this.styles.push(style);
      this.#index.set(key, index);
    }
    return index;
  }

  /** The format's `styles` and `cells`: none at all when every cell has the default style. */
  toFormat(cells: number[][]): Pick<RangeFormat, 'styles' | 'cells'> {
    return this.styles.length === 1 ? { styles: [] } : { styles: this.styles, cells };
  }
}
