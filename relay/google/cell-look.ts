// One cell's look, from the Sheets API's CellData to the protocol's CellStyle: Google's
// defaults left out, colours as `#rrggbb` (proto3 JSON leaves out zero components: black is
// `{}`), bandings resolved into the background they show.
import type { sheets_v4 } from '@googleapis/sheets';
import type { CellStyle } from '../../protocol/wire.ts';
import { FormatLimits } from '../../protocol/wire.ts';

const WHITE = '#ffffff';
const BLACK = '#000000';

function hex(color: sheets_v4.Schema$Color | null | undefined, fallback: string): string {
  if (!color) return fallback;
  const part = (v: number | null | undefined) => Math.round(Math.min(1, Math.max(0, v ?? 0)) * 255).toString(16).padStart(2, '0');
  return `#${part(color.red)}${part(color.green)}${part(color.blue)}`;
}

const H = { LEFT: 'left', CENTER: 'center', RIGHT: 'right' } as const;
const V = { TOP: 'top', MIDDLE: 'middle' } as const;
const WRAP = { WRAP: 'wrap', LEGACY_WRAP: 'wrap', CLIP: 'clip' } as const;

/** The style of a cell with this effective format; `band` is the banding colour over it, if any. */
export function styleOf(format: sheets_v4.Schema$CellFormat | null | undefined, band: string | null): CellStyle {
  const style: CellStyle = {};
  const own = hex(format?.backgroundColor, WHITE);
  const bg = own === WHITE && band ? band : own;
  if (bg !== WHITE) style.bg = bg;
  const text = format?.textFormat ?? {};
  const color = hex(text.foregroundColor, BLACK);
  if (color !== BLACK) style.color = color;
  if (text.bold) style.bold = true;
  if (text.italic) style.italic = true;
  if (text.underline) style.underline = true;
  if (text.strikethrough) style.strike = true;
  // Google names the default `arial,sans,sans-serif`; a chosen family is its own name.
  const font = (text.fontFamily ?? '').split(',')[0]!.replace(/\u0000/g, '').trim().slice(0, FormatLimits.fontChars);
  if (font && font.toLowerCase() !== 'arial') style.font = font;
  if (text.fontSize && text.fontSize !== 10) style.size = Math.min(400, Math.max(1, Math.round(text.fontSize)));
  const h = H[format?.horizontalAlignment as keyof typeof H];
  if (h) style.h = h;
  const v = V[format?.verticalAlignment as keyof typeof V];
  if (v) style.v = v;
  const wrap = WRAP[format?.wrapStrategy as keyof typeof WRAP];
  if (wrap) style.wrap = wrap;
  return style;
}

/**
 * The banding colour at a cell (0-based row and column), or null: a header colour on the
 * banded range's first row, a footer colour on its last, first and second colours alternating
 * in between.
 */
export function bandColor(bandings: sheets_v4.Schema$BandedRange[] | null | undefined, row: number, col: number): string | null {
  for (const banding of bandings ?? []) {
    const range = banding.range ?? {};
    const props = banding.rowProperties;
    const [top, bottom] = [range.startRowIndex ?? 0, (range.endRowIndex ?? 0) - 1];
    if (!props || row < top || row > bottom || col < (range.startColumnIndex ?? 0) || col >= (range.endColumnIndex ?? 0)) continue;
    if (props.headerColor && row === top) return hex(props.headerColor, WHITE);
    if (props.footerColor && row === bottom) return hex(props.footerColor, WHITE);
    const band = (row - top - (props.headerColor ? 1 : 0)) % 2;
    const color = band === 0 ? props.firstBandColor : props.secondBandColor;
    return color ? hex(color, WHITE) : null;
  }
  return null;
}

/** The cell's link: a `HYPERLINK` formula's or a link cell's, else the first rich-text link. */
export function linkOf(cell: sheets_v4.Schema$CellData): string | null {
  const url = cell.hyperlink ?? cell.textFormatRuns?.find((run) => run.format?.link?.uri)?.format?.link?.uri ?? null;
  return url && url.length <= FormatLimits.linkChars && !url.includes('\u0000') ? url : null;
}
