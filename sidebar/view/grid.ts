// The grid of one tab as a <table>: column letters and row numbers (the chrome), the sheet's
// styles, widths and heights, merged cells, frozen rows and columns (CSS sticky; their offsets
// are measured by `stickFrozen` after each render), links and checkboxes.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { columnLetters } from '../../protocol/a1.ts';
import { safeLink } from '../live/format.ts';
import type { SheetFormat } from '../live/format.ts';
import type { SheetTab } from '../live/sheet.ts';
import { styleDeclarations } from './cell-style.ts';
import { cssProps } from './css-props.ts';
import type { ViewModes } from './modes.ts';
import { renderedSpans } from './rows.ts';
import type { RenderedSpans, RowOrder, RowWindow } from './rows.ts';

/** How long after a change a re-rendered cell keeps its highlight class (the animation is shorter). */
const FLASH_MS = 2_000;
/** Values longer than this are likely cut off by the column width: their full text goes in a tooltip. */
const TOOLTIP_CHARS = 24;
/** Board mode's share of the width for the row numbers; the columns share the rest as their widths do. */
const ROW_NUMBERS_SHARE = 4;
const NUMBER = /^[-+(]?[$€£¥]?\s?[\d.,]+\s?%?\)?$/;

export interface GridInput {
  tab: SheetTab;
  modes: ViewModes;
  order: RowOrder;
  /** Positions rendered besides the pinned ones; null renders every row. */
  window: RowWindow | null;
  /** Pixels above each position (one more entry than positions), for the spacer rows. */
  tops: Float64Array | null;
  sortColumn: number;
  descending: boolean;
  onSort: (column: number) => void;
}

/** The table; `count + 1` rows for assistive technology when windowed. */
export function renderTable(input: GridInput): TemplateResult {
  const { tab, modes, order, window } = input;
  const format = tab.format;
  const columns: number[] = [];
  for (let j = 0; j < format.width; j++) if (!format.hiddenColumns.has(j)) columns.push(j);
  // Positions rendered, in order; a spacer row stands for the positions [from, to) between them.
  const items: ({ p: number } | { from: number; to: number })[] = [];
  for (let p = 0; p < order.pinned; p++) items.push({ p });
  const start = window ? Math.max(window.start, order.pinned) : order.pinned;
  const end = window ? window.end : order.rows.length;
  if (start > order.pinned) items.push({ from: order.pinned, to: start });
  for (let p = start; p < end; p++) items.push({ p });
  if (end < order.rows.length) items.push({ from: end, to: order.rows.length });
  const rendered = items.map((item) => ('p' in item ? order.rows[item.p]! : null));
  const spans = renderedSpans(format, rendered, order.reordered);
  const now = performance.now();
  const widthOf = (j: number) => format.widths[j];
  const totalWidth = columns.reduce((sum, j) => sum + (widthOf(j) ?? 0), 0);
  const tops = input.tops;
  const spacer = (from: number, to: number) =>
    html`<tr class="spacer" aria-hidden="true">
      <td colspan=${columns.length + (modes.chrome ? 1 : 0)} style=${cssProps({ height: `${tops ? tops[to]! - tops[from]! : 0}px` })}></td>
    </tr>`;
  const formatted = tab.formatJson !== 'null';
  return html`<table class="${formatted ? 'formatted' : ''} ${modes.chrome ? '' : 'bare'}" aria-rowcount=${window ? order.rows.length + 1 : nothing}>
    <caption>${tab.key}</caption>
    <thead>
      <tr>
        ${modes.chrome ? html`<td class="corner" style=${cssProps(modes.board ? { width: `${ROW_NUMBERS_SHARE}%` } : {})}></td>` : nothing}
        ${columns.map((j) => {
          const width = widthOf(j);
          // Board mode fits the sheet's widths to the screen as shares of the whole.
          const size: Record<string, string> = width === undefined ? {} : modes.board ? { width: `${(width / totalWidth) * (modes.chrome ? 100 - ROW_NUMBERS_SHARE : 100)}%` } : pixels(width);
          if (j < format.frozenColumns) size.left = `var(--left-${j})`;
          const sorted = input.sortColumn === j ? (input.descending ? 'descending' : 'ascending') : nothing;
          const letter = columnLetters(tab.rect.left + j);
          return html`<th scope="col" data-col=${j} class=${j < format.frozenColumns ? 'frozen-col' : nothing} style=${cssProps(size)} aria-sort=${modes.sort ? sorted : nothing}>${
            modes.sort && modes.chrome ? html`<button class="sort" aria-label="Sort by column ${letter}" @click=${() => input.onSort(j)}>${letter}</button>` : letter
          }</th>`;
        })}
      </tr>
    </thead>
    <tbody>
      ${items.map((item) => {
        if (!('p' in item)) return spacer(item.from, item.to);
        const { p } = item;
        const row = order.rows[p]!;
        // Without column letters, the header row's cells are what a click sorts by.
        const header = modes.sort && !modes.chrome && row === (format.frozenRows || 1) - 1 && (!order.reordered || p < order.pinned) ? input : null;
        return guard([tab, row, p, tab.rowVersions[row], tab.formatVersion, modes, order.reordered, format.merges.length ? spans : null, header && input.sortColumn, header && input.descending], () =>
          renderRow(tab, row, p, columns, spans, modes, now, window !== null, p < order.pinned && row < format.frozenRows, header),
        );
      })}
    </tbody>
  </table>`;
}

/** Frozen rows stick below the ones above them, frozen columns right of the ones before them. */
export function stickFrozen(table: HTMLTableElement, format: SheetFormat): void {
  if (!format.frozenRows && !format.frozenColumns) return;
  for (const tr of table.querySelectorAll<HTMLElement>('tbody tr.frozen')) tr.style.setProperty('--top', `${tr.offsetTop}px`);
  // Widths, not positions: a stuck cell's position moves with the scroll.
  let left = table.querySelector<HTMLElement>('.corner')?.offsetWidth ?? 0;
  for (const th of table.querySelectorAll<HTMLElement>('thead th[data-col]')) {
    const column = Number(th.dataset.col);
    if (column >= format.frozenColumns) break;
    table.style.setProperty(`--left-${column}`, `${left}px`);
    left += th.offsetWidth;
  }
}

function pixels(width: number): Record<string, string> {
  return { width: `${width}px`, 'min-width': `${width}px`, 'max-width': `${width}px` };
}

/** One row; re-evaluated only when a cell or the format changed (see `guard` above). */
function renderRow(
  tab: SheetTab,
  i: number,
  position: number,
  columns: number[],
  spans: RenderedSpans,
  modes: ViewModes,
  now: number,
  windowed: boolean,
  frozen: boolean,
  header: GridInput | null,
): TemplateResult {
  const { format } = tab;
  const rowNumber = tab.rect.top + i;
  const cells = tab.values[i]!;
  const height = format.heights.get(i);
  return html`<tr
    class="${frozen ? 'frozen' : ''} ${height === undefined ? '' : 'sized'}"
    aria-rowindex=${windowed ? position + 2 : nothing}
    style=${cssProps(height === undefined ? {} : { height: `${height}px` })}
  >
    ${modes.chrome ? html`<th scope="row">${rowNumber}</th>` : nothing}
    ${columns.map((j) => {
      const key = i * format.width + j;
      if (spans.covered.has(key)) return nothing;
      const value = cells[j]!;
      const span = spans.span.get(key);
      const changedAt = tab.changedAt[i]![j]!;
      const flash = changedAt > 0 && now - changedAt < FLASH_MS ? (tab.changes[i]![j]! % 2 ? 'flash-a' : 'flash-b') : '';
      const style = styleDeclarations(format.styleAt(i, j));
      if (!modes.board) {
        let width = 0;
        for (let c = j; c < j + (span?.[1] ?? 1); c++) width += format.hiddenColumns.has(c) ? 0 : (format.widths[c] ?? NaN);
        if (width > 0) Object.assign(style, pixels(width));
      }
      if (j < format.frozenColumns) style.left = `var(--left-${j})`;
      const sortable = header !== null;
      return html`<td
        data-cell="${columnLetters(tab.rect.left + j)}${rowNumber}"
        class="${NUMBER.test(value) ? 'num' : ''} ${flash} ${'color' in style ? 'coloured' : ''} ${j < format.frozenColumns ? 'frozen-col' : ''} ${sortable ? 'sortable' : ''}"
        rowspan=${span && span[0] > 1 ? span[0] : nothing}
        colspan=${span && span[1] > 1 ? span[1] : nothing}
        style=${cssProps(style)}
        title=${value.length > TOOLTIP_CHARS ? value : nothing}
        tabindex=${sortable ? 0 : nothing}
        aria-sort=${sortable && header.sortColumn === j ? (header.descending ? 'descending' : 'ascending') : nothing}
        @click=${sortable ? () => header.onSort(j) : nothing}
        @keydown=${sortable ? (e: KeyboardEvent) => e.key === 'Enter' && header.onSort(j) : nothing}
      >${cellContent(tab, i, j, value)}</td>`;
    })}
  </tr>`;
}

/** A checkbox, a safe link, or the text. */
function cellContent(tab: SheetTab, i: number, j: number, value: string): TemplateResult | string {
  if (tab.format.checkAt(i, j)) {
    const checked = value.toUpperCase() === 'TRUE';
    return html`<input type="checkbox" disabled .checked=${checked} aria-label=${checked ? 'Ticked' : 'Not ticked'} />`;
  }
  const href = safeLink(tab.format.linkAt(i, j));
  if (href) return html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${value || href}</a>`;
  return value;
}
