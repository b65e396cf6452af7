import { css } from 'lit';
import { gridStyles } from './grid-styles.ts';

/** The chrome's colours in the dark theme. */
const darkChrome = css`
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
`;

const frameStyles = css`
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
  /* The theme changes the chrome only: cells keep the sheet's own colours (see cell-style.ts). */
  @media (prefers-color-scheme: dark) {
    :host(:not([data-theme='light'])) {
      ${darkChrome}
    }
  }
  :host([data-theme='dark']) {
    ${darkChrome}
    color-scheme: dark;
  }
  :host([data-theme='light']) {
    color-scheme: light;
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
  .search {
    flex: 0 1 12rem;
    min-width: 6rem;
    font: inherit;
    color: inherit;
    background: var(--sheetcast-bg);
    border: 1px solid var(--sheetcast-grid);
    border-radius: 4px;
    padding: 4px 8px;
  }
  /* Board mode: for a screen across the room. */
  :host([data-board]) {
    --sheetcast-scale: 1.6;
    --sheetcast-cell-max-width: none;
    font-size: 20px;
  }
  :host([data-board]) h1,
  :host([data-board]) .title {
    font-size: 28px;
  }
`;

export const viewStyles = [frameStyles, gridStyles];
