import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { styleMap } from 'lit/directives/style-map.js';
import { columnLetters } from '../../protocol/a1.ts';
import { CloseCode } from '../../protocol/wire.ts';
import { LiveController } from '../live/controller.ts';
import type { LiveStatus } from '../../client/src/live-client.ts';
import type { SheetTab } from '../live/sheet.ts';
import { viewStyles } from './styles.ts';

/** How long after a change a re-rendered cell keeps its highlight class (the animation is shorter). */
const FLASH_MS = 2_000;
/** Values longer than this are likely cut off by the column width: their full text goes in a tooltip. */
const TOOLTIP_CHARS = 24;
/** Ranges with more rows than this render only the rows near the visible part of the grid. */
const WINDOW_ABOVE_ROWS = 300;
/** Rows rendered above and below the visible ones, so that scrolling meets rendered rows. */
const OVERSCAN_ROWS = 40;
const NUMBER = /^[-+(]?[$€£¥]?\s?[\d.,]+\s?%?\)?$/;

const STATUS_WORDS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  stopped: 'Not available',
};

export interface SheetcastUpdateDetail {
  /** Cells whose value changed on screen (0 for a first snapshot). */
  changed: number;
  title: string;
}

let defaultRelay = '';

/** The relay a `<sheetcast-view>` without a `relay` attribute talks to (set by the page or embed script). */
export function setDefaultRelay(url: string): void {
  defaultRelay = url;
}

/**
 * The published ranges of a Sheetcast share as a live, sheet-like grid.
 *
 * @fires sheetcast-update - after a snapshot or delta was applied (`detail`: SheetcastUpdateDetail).
 * @csspart frame - the box around header, tabs and grid.
 * @cssprop --sheetcast-max-height - the grid scrolls beyond this height (default 32rem; none with `full-page`).
 * @cssprop --sheetcast-cell-max-width - longer values are cut off with an ellipsis (default 16rem).
 * @cssprop --sheetcast-bg, --sheetcast-fg, --sheetcast-accent, --sheetcast-flash - colours.
 */
export class SheetcastView extends LitElement {
  static override styles = viewStyles;

  /** The share id from the view link (`/view/<share>`). */
  @property() accessor share = '';

  /** Base URL of the relay; defaults to where the page or `embed.js` came from. */
  @property() accessor relay = '';

  /** Fill the page: a level-one heading, no border, the grid as tall as the element. */
  @property({ type: Boolean, reflect: true, attribute: 'full-page' }) accessor fullPage = false;

  @state() private accessor _selected = '';
  /** In a windowed grid, the first row (0-based within the range) the scroller shows. */
  @state() private accessor _firstVisibleRow = 0;
  /** Measured once per windowed grid; rows have one line of text, so all are this tall. */
  private _rowHeight = 25;
  private _visibleRows = 40;
  private _measured: SheetTab | null = null;

  private readonly _live = new LiveController(this, {
    onChange: (changed) => {
      const detail: SheetcastUpdateDetail = { changed, title: this._live.model.title };
      this.dispatchEvent(new CustomEvent('sheetcast-update', { detail, bubbles: true, composed: true }));
    },
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('share') || changed.has('relay')) this._live.follow(this._relayBase(), this.share);
  }

  protected override render(): TemplateResult {
    const { model, state } = this._live;
    const tabs = model.tabs;
    const tab = this._currentTab();
    const title = model.title || (state.status === 'stopped' ? 'Sheetcast' : 'Loading…');
    return html`<section class="frame" part="frame" aria-label=${model.title || 'Live sheet'}>
      <header>
        ${this.fullPage ? html`<h1>${title}</h1>` : html`<div class="title">${title}</div>`}
        <div class="meta">
          <span class="status ${state.status}" role="status">${STATUS_WORDS[state.status]}</span>
          ${state.viewers === null ? nothing : html`<span class="viewers">${state.viewers} ${state.viewers === 1 ? 'viewer' : 'viewers'}</span>`}
        </div>
      </header>
      ${state.message ? html`<p class="message ${state.status}" role="alert">${state.message}${this._signInLink(state.closeCode)}</p>` : nothing}
      ${tabs.length > 1 ? this._tabList(tabs, tab) : nothing}
      ${tab ? this._grid(tab, tabs.length > 1) : html`<p class="empty">${state.status === 'stopped' ? 'Nothing to show.' : 'Waiting for the sheet…'}</p>`}
    </section>`;
  }

  private _relayBase(): string {
    return this.relay || defaultRelay || location.origin;
  }

  /** A private share asks for sign-in on the relay, which brings the viewer back to its view page. */
  private _signInLink(closeCode: number | null): TemplateResult | typeof nothing {
    if (closeCode !== CloseCode.SignInNeeded && closeCode !== CloseCode.NotAllowed) return nothing;
    const relay = new URL(this._relayBase());
    const base = relay.pathname.endsWith('/') ? relay.pathname : `${relay.pathname}/`;
    const start = new URL(`${base}auth/google/start`, relay);
    start.searchParams.set('return', `${base}view/${encodeURIComponent(this.share)}`);
    return html` <a class="sign-in" href=${start.href} target=${this.fullPage ? '_self' : '_blank'} rel="noopener"
      >${closeCode === CloseCode.NotAllowed ? 'Sign in with another account' : 'Sign in with Google'}</a
    >`;
  }

  private _tabList(tabs: SheetTab[], current: SheetTab | undefined): TemplateResult {
    return html`<div role="tablist" aria-label="Published ranges" @keydown=${this._onTabKey}>
      ${tabs.map(
        (t, i) => html`<button
          role="tab"
          id="tab-${i}"
          aria-controls="panel"
          aria-selected=${t === current ? 'true' : 'false'}
          tabindex=${t === current ? 0 : -1}
          @click=${() => this._select(t.key)}
        >
          ${t.key}
        </button>`,
      )}
    </div>`;
  }

  private _grid(tab: SheetTab, tabbed: boolean): TemplateResult {
    const { left, right, top } = tab.rect;
    const letters: string[] = [];
    for (let c = left; c <= right; c++) letters.push(columnLetters(c));
    const now = performance.now();
    const count = tab.values.length;
    // A long range renders only the rows around the visible ones, between two spacer rows.
    const windowed = count > WINDOW_ABOVE_ROWS;
    const start = windowed ? Math.min(Math.max(0, this._firstVisibleRow - OVERSCAN_ROWS), count) : 0;
    const end = windowed ? Math.min(count, this._firstVisibleRow + this._visibleRows + OVERSCAN_ROWS) : count;
    const rows: number[] = [];
    for (let i = start; i < end; i++) rows.push(i);
    const spacer = (rowCount: number) =>
      html`<tr class="spacer" aria-hidden="true">
        <td colspan=${letters.length + 1} style=${styleMap({ height: `${rowCount * this._rowHeight}px` })}></td>
      </tr>`;
    return html`<div
      class="scroller"
      id="panel"
      tabindex="0"
      role=${tabbed ? 'tabpanel' : 'region'}
      aria-labelledby=${tabbed ? `tab-${this._live.model.tabs.indexOf(tab)}` : nothing}
      aria-label=${tabbed ? nothing : `${tab.key}, scroll with the arrow keys`}
      @scroll=${windowed ? this._onScroll : nothing}
    >
      <table aria-rowcount=${windowed ? count + 1 : nothing}>
        <caption>${tab.key}</caption>
        <thead>
          <tr>
            <td class="corner"></td>
            ${letters.map((l) => html`<th scope="col">${l}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${start > 0 ? spacer(start) : nothing}
          ${rows.map((i) => guard([tab, i, tab.rowVersions[i]], () => this._row(tab, i, top + i, letters, now, windowed)))}
          ${end < count ? spacer(count - end) : nothing}
        </tbody>
      </table>
    </div>`;
  }

  private _onScroll(event: Event): void {
    const scroller = event.currentTarget as HTMLElement;
    const header = scroller.querySelector('thead')?.offsetHeight ?? 0;
    this._visibleRows = Math.ceil(scroller.clientHeight / this._rowHeight) + 1;
    const first = Math.floor(Math.max(0, scroller.scrollTop - header) / this._rowHeight);
    // Re-render only once the view has moved a good part of the overscan, not on every pixel.
    if (Math.abs(first - this._firstVisibleRow) >= OVERSCAN_ROWS / 4) this._firstVisibleRow = first;
  }

  protected override updated(): void {
    const tab = this._currentTab();
    if (!tab || tab === this._measured || tab.values.length <= WINDOW_ABOVE_ROWS) return;
    const row = this.renderRoot.querySelector('tbody tr:not(.spacer)');
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroller');
    if (!row || !scroller) return;
    this._measured = tab;
    const height = row.getBoundingClientRect().height;
    this._visibleRows = Math.ceil(scroller.clientHeight / (height || this._rowHeight)) + 1;
    if (height > 0 && Math.abs(height - this._rowHeight) > 0.5) {
      this._rowHeight = height;
      this.requestUpdate();
    }
  }

  private _currentTab(): SheetTab | undefined {
    const tabs = this._live.model.tabs;
    return tabs.find((t) => t.key === this._selected) ?? tabs[0];
  }

  private _select(key: string): void {
    if (key === this._selected) return;
    this._selected = key;
    this._firstVisibleRow = 0;
    void this.updateComplete.then(() => this.renderRoot.querySelector('.scroller')?.scrollTo(0, 0));
  }

  /** One row; re-evaluated only when a cell in it changed (see `guard` above). */
  private _row(tab: SheetTab, i: number, rowNumber: number, letters: string[], now: number, windowed: boolean): TemplateResult {
    const cells = tab.values[i]!;
    const changedAt = tab.changedAt[i]!;
    const changes = tab.changes[i]!;
    return html`<tr aria-rowindex=${windowed ? i + 2 : nothing}>
      <th scope="row">${rowNumber}</th>
      ${cells.map((value, j) => {
        const flash = changedAt[j]! > 0 && now - changedAt[j]! < FLASH_MS ? (changes[j]! % 2 ? 'flash-a' : 'flash-b') : '';
        return html`<td
          data-cell="${letters[j]}${rowNumber}"
          class="${NUMBER.test(value) ? 'num' : ''} ${flash}"
          title=${value.length > TOOLTIP_CHARS ? value : nothing}
        >${value}</td>`;
      })}
    </tr>`;
  }

  private _onTabKey(event: KeyboardEvent): void {
    const tabs = this._live.model.tabs;
    const index = Math.max(0, tabs.findIndex((t) => t.key === this._selected));
    const next =
      event.key === 'ArrowRight' ? (index + 1) % tabs.length
      : event.key === 'ArrowLeft' ? (index - 1 + tabs.length) % tabs.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? tabs.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    this._select(tabs[next]!.key);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  }
}

/** Defines the element once, even when two scripts on one page each bring it. */
export function defineSheetcastView(): void {
  if (!customElements.get('sheetcast-view')) customElements.define('sheetcast-view', SheetcastView);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-view': SheetcastView;
  }
  interface GlobalEventHandlersEventMap {
    'sheetcast-update': CustomEvent<SheetcastUpdateDetail>;
  }
}
