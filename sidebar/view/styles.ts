import { css } from 'lit';

export const viewStyles = css`
  :host {
    --sheetcast-bg: #ffffff;
    --sheetcast-fg: #1f1f1f;
    --sheetcast-muted: #474747;
    --sheetcast-grid: #e1e3e1;
    --sheetcast-header-bg: #f1f3f4;
    --sheetcast-header-fg: #3c4043;
    --sheetcast-accent: #0b57d0;
    --sheetcast-flash: #fde68a;
    --sheetcast-live: #146c2e;
    --sheetcast-warn: #8a5300;
    --sheetcast-error: #b3261e;
    --sheetcast-max-height: 32rem;
    --sheetcast-cell-max-width: 16rem;
    display: block;
    color-scheme: light dark;
    font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
    color: var(--sheetcast-fg);
    background: var(--sheetcast-bg);
    border: 1px solid var(--sheetcast-grid);
    border-radius: 8px;
    overflow: hidden;
    min-width: 0;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --sheetcast-bg: #1b1c1d;
      --sheetcast-fg: #e3e3e3;
      --sheetcast-muted: #c4c7c5;
      --sheetcast-grid: #3c4043;
      --sheetcast-header-bg: #262729;
      --sheetcast-header-fg: #d2d5d3;
      --sheetcast-accent: #a8c7fa;
      --sheetcast-flash: #6b5300;
      --sheetcast-live: #6dd58c;
      --sheetcast-warn: #ffb95c;
      --sheetcast-error: #ffb4ab;
    }
  }
  :host([full-page]) {
    border: 0;
    border-radius: 0;
    height: 100%;
    --sheetcast-max-height: none;
  }
  .frame {
    display: flex;
    flex-direction: column;
    height: 100%;
    max-height: var(--sheetcast-max-height);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    padding: 8px 12px;
    border-bottom: 1px solid var(--sheetcast-grid);
  }
  h1,
  .title {
    flex: 1 1 12rem;
    min-width: 0;
    margin: 0;
    font-size: 15px;
    font-weight: 600;
    overflow-wrap: anywhere;
    /* Long titles get two lines, then an ellipsis. */
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    overflow: hidden;
  }
  :host([full-page]) h1 {
    font-size: 18px;
  }
  .meta {
    display: flex;
    gap: 12px;
    color: var(--sheetcast-muted);
    font-size: 12px;
    white-space: nowrap;
  }
  .status::before {
    content: '';
    display: inline-block;
    width: 8px;
    height: 8px;
    margin-right: 6px;
    border-radius: 50%;
    background: var(--sheetcast-warn);
    vertical-align: 0;
  }
  .status.live::before {
    background: var(--sheetcast-live);
  }
  .status.stopped::before {
    background: var(--sheetcast-error);
  }
  .message {
    margin: 0;
    padding: 6px 12px;
    border-bottom: 1px solid var(--sheetcast-grid);
    color: var(--sheetcast-warn);
  }
  .message.stopped {
    color: var(--sheetcast-error);
  }
  .message a {
    color: var(--sheetcast-accent);
    font-weight: 600;
    white-space: nowrap;
  }
  [role='tablist'] {
    display: flex;
    gap: 2px;
    overflow-x: auto;
    padding: 0 8px;
    border-bottom: 1px solid var(--sheetcast-grid);
    background: var(--sheetcast-header-bg);
  }
  [role='tab'] {
    flex: none;
    font: inherit;
    color: var(--sheetcast-header-fg);
    background: none;
    border: 0;
    border-bottom: 3px solid transparent;
    padding: 8px 10px 5px;
    cursor: pointer;
  }
  [role='tab'][aria-selected='true'] {
    color: var(--sheetcast-accent);
    border-bottom-color: var(--sheetcast-accent);
    font-weight: 600;
  }
  .scroller {
    flex: 1 1 auto;
    min-height: 0;
    overflow: auto;
    overscroll-behavior: contain;
  }
  :focus-visible {
    outline: 2px solid var(--sheetcast-accent);
    outline-offset: -2px;
  }
  .empty {
    padding: 16px 12px;
    color: var(--sheetcast-muted);
  }
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
    z-index: 1;
  }
  tbody th {
    left: 0;
    min-width: 2.5rem;
  }
  .corner {
    position: sticky;
    top: 0;
    left: 0;
    z-index: 2;
    min-width: 2.5rem;
    background: var(--sheetcast-header-bg);
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
`;
