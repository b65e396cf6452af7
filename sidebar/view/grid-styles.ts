// The grid's table: Sheets-like chrome (letters, row numbers, sticky headers), the sheet's
// formats (frozen lines, links, checkboxes), the change highlight, and board mode's fit to width.
import { css } from 'lit';

export const gridStyles = css`
  table {
    border-collapse: separate;
    border-spacing: 0;
    font-variant-numeric: tabular-nums;
  }
  caption {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  th,
  td {
    border-right: 1px solid var(--sheetcast-grid);
    border-bottom: 1px solid var(--sheetcast-grid);
    padding: 3px 8px;
    height: 21px;
    box-sizing: border-box;
  }
  td {
    min-width: 6rem;
    max-width: var(--sheetcast-cell-max-width);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  @media (max-width: 480px) {
    td {
      min-width: 4.5rem;
    }
  }
  tr.spacer td {
    padding: 0;
    border: 0;
  }
  td.num {
    text-align: right;
  }
  th {
    position: sticky;
    background: var(--sheetcast-header-bg);
    color: var(--sheetcast-header-fg);
    font-weight: 500;
    font-size: 12px;
    text-align: center;
  }
  thead th {
    top: 0;
    z-index: 4;
  }
  thead th.frozen-col {
    z-index: 5;
  }
  tbody th {
    z-index: 2;
    left: 0;
    min-width: 2.5rem;
  }
  .corner {
    position: sticky;
    top: 0;
    left: 0;
    z-index: 6;
    min-width: 2.5rem;
    background: var(--sheetcast-header-bg);
  }
  /* A cell in the sheet's own colours (black on light) flashes in the light theme's colour in any theme. */
  td.coloured {
    --sheetcast-flash: #fde68a;
  }
  td.flash-a {
    animation: flash-a 1.6s ease-out;
  }
  td.flash-b {
    animation: flash-b 1.6s ease-out;
  }
  /* Two identical animations: switching between them restarts the highlight on every change. */
  @keyframes flash-a {
    from {
      background: var(--sheetcast-flash);
    }
  }
  @keyframes flash-b {
    from {
      background: var(--sheetcast-flash);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    /* No fading: the highlight is shown steadily for a moment, then removed at once. */
    td.flash-a,
    td.flash-b {
      animation-timing-function: step-end;
    }
  }

  /* The sheet's formats: Arial 10 pt at the bottom of the cell, as Sheets shows an unformatted cell. */
  table.formatted {
    font-family: Arial, Helvetica, sans-serif;
    font-size: calc(10pt * var(--sheetcast-scale, 1));
  }
  table.formatted td {
    vertical-align: bottom;
  }
  td a {
    color: inherit;
    text-decoration: underline;
  }
  td input[type='checkbox'] {
    margin: 0;
    vertical-align: middle;
  }
  /* Frozen rows and columns stay put; their offsets are measured after each render. */
  tr.frozen > * {
    position: sticky;
    top: var(--top, 0);
    z-index: 2;
  }
  tr.frozen > th {
    z-index: 3;
  }
  td.frozen-col {
    position: sticky;
    z-index: 1;
  }
  tr.frozen > td.frozen-col {
    z-index: 2;
  }
  tr.frozen > td,
  td.frozen-col {
    background-color: var(--sheetcast-bg);
  }
  /* Without the chrome the header row is kept, zero high, for the columns' widths. */
  table.bare thead th {
    height: 0;
    padding-block: 0;
    border: 0;
    font-size: 0;
    line-height: 0;
    overflow: hidden;
  }
  button.sort {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    width: 100%;
    cursor: pointer;
  }
  th[aria-sort='ascending']::after,
  td[aria-sort='ascending']::after {
    content: ' ▲';
    font-size: 0.75em;
  }
  th[aria-sort='descending']::after,
  td[aria-sort='descending']::after {
    content: ' ▼';
    font-size: 0.75em;
  }
  td.sortable {
    cursor: pointer;
  }
  /* Board mode fits the columns to the width, in proportion to the sheet's widths. */
  :host([data-board]) table {
    width: 100%;
    table-layout: fixed;
  }
  :host([data-board]) table:not(.formatted) {
    font-size: calc(13px * var(--sheetcast-scale, 1));
  }
  :host([data-board]) th,
  :host([data-board]) td {
    min-width: 0;
    height: auto;
  }
`;
