// A sheet's cell style as CSS declarations for the grid's `cssProps`. The sheet's colours are
// kept as they are in every theme: a cell that sets one of its colours gets the sheet's default
// for the other (black on white), so a dark theme never puts light text on a yellow cell.
import type { CellStyle } from '../../protocol/wire.ts';

const SERIF = /^(times|georgia|garamond|merriweather|playfair|lora|cambria|book antiqua|palatino|libre baskerville|eb garamond|pt serif|noto serif|roboto serif|spectral|alegreya|crimson)/i;
const MONO = /^(courier|consolas|roboto mono|source code|inconsolata|space mono|ibm plex mono|fira (code|mono)|jetbrains mono|ubuntu mono|pt mono|noto sans mono|menlo|monaco)/i;
const SCRIPT = /^(comic sans|caveat|pacifico|lobster|dancing script|shadows into light|indie flower)/i;

/** The family the sheet names, first, then web-safe fallbacks of its kind. */
export function fontStack(family: string): string {
  // Only the characters a family name has: nothing can end the CSS value early.
  const name = family.replace(/[^\p{L}\p{N} _-]/gu, '').trim();
  const fallback =
    SERIF.test(name) ? "'Times New Roman', Times, serif"
    : MONO.test(name) ? "'Courier New', Courier, monospace"
    : SCRIPT.test(name) ? "'Comic Sans MS', cursive, sans-serif"
    : 'Arial, Helvetica, sans-serif';
  return name ? `'${name}', ${fallback}` : fallback;
}

/** The declarations of one style; the cell's width is added by the grid. */
export function styleDeclarations(style: CellStyle | undefined): Record<string, string> {
  if (!style) return {};
  const css: Record<string, string> = {};
  if (style.bg || style.color) {
    css['background-color'] = style.bg ?? '#ffffff';
    css.color = style.color ?? '#000000';
  }
  if (style.bold) css['font-weight'] = '700';
  if (style.italic) css['font-style'] = 'italic';
  const lines = [style.underline ? 'underline' : '', style.strike ? 'line-through' : ''].filter(Boolean);
  if (lines.length) css['text-decoration-line'] = lines.join(' ');
  if (style.font) css['font-family'] = fontStack(style.font);
  // Points, scaled with the view (board mode sets a larger scale).
  if (style.size) css['font-size'] = `calc(${style.size}pt * var(--sheetcast-scale, 1))`;
  if (style.h) css['text-align'] = style.h;
  if (style.v) css['vertical-align'] = style.v;
  if (style.wrap === 'wrap') {
    css['white-space'] = 'pre-wrap';
    css['overflow-wrap'] = 'anywhere';
  } else if (style.wrap === 'clip') css['text-overflow'] = 'clip';
  return css;
}
