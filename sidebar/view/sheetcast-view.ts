import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CloseCode } from '../../protocol/wire.ts';
import { LiveController } from '../live/controller.ts';
import type { LiveStatus } from '../../client/src/live-client.ts';
import type { SheetTab } from '../live/sheet.ts';
import { AutoScroll } from './board.ts';
import { renderTable, stickFrozen } from './grid.ts';
import { resolveModes, switchAttribute, themeAttribute } from './modes.ts';
import type { Theme, ViewModes } from './modes.ts';
import { orderRows, positionAt, positionTops, windowAround } from './rows.ts';
import type { RowOrder } from './rows.ts';
import { viewStyles } from './styles.ts';

/** Ranges with more rows than this render only the rows near the visible part of the grid. */
const WINDOW_ABOVE_ROWS = 300;
/** Rows rendered above and below the visible ones, so that scrolling meets rendered rows. */
const OVERSCAN_ROWS = 40;

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

  /** Column letters and row numbers: `chrome="off"` hides them. Absent: the publisher's choice (on). */
  @property({ converter: switchAttribute }) accessor chrome: boolean | undefined = undefined;

  /** Clicking a column header sorts the rows, in this view only. Absent: the publisher's choice (on). */
  @property({ converter: switchAttribute }) accessor sort: boolean | undefined = undefined;

  /** A box that shows only the rows containing its text. Absent: the publisher's choice (off). */
  @property({ converter: switchAttribute }) accessor search: boolean | undefined = undefined;

  /** For screens: fit to width, large type, slow auto-scroll. Absent: the publisher's choice (off). */
  @property({ converter: switchAttribute }) accessor board: boolean | undefined = undefined;

  /** `light`, `dark` or `auto` (the device's). Absent: the publisher's choice (auto). */
  @property({ converter: themeAttribute }) accessor theme: Theme | undefined = undefined;

  @state() private accessor _selected = '';
  /** In a windowed grid, the first position (in the rows as shown) the scroller shows. */
  @state() private accessor _firstVisible = 0;
  @state() private accessor _sortColumn = -1;
  @state() private accessor _descending = false;
  @state() private accessor _query = '';
  /** Measured once per windowed grid (and again when board mode changes the type); rows of one line of text are this tall. */
  private _rowHeight = 25;
  private _visibleRows = 40;
  private _measured: { tab: SheetTab; board: boolean } | null = null;
  /** Pixels above each shown position of the windowed grid, for mapping scrollTop to a row. */
  private _tops: Float64Array | null = null;
  private _modes: ViewModes = resolveModes({}, {});
  private _order: { key: unknown[]; rows: RowOrder } | null = null;
  private readonly _autoScroll = new AutoScroll(this, () => this.renderRoot.querySelector<HTMLElement>('.scroller'));

  private readonly _live = new LiveController(this, {
    onChange: (changed) => {
      const detail: SheetcastUpdateDetail = { changed, title: this._live.model.title };
      this.dispatchEvent(new CustomEvent('sheetcast-update', { detail, bubbles: true, composed: true }));
    },
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('share') || changed.has('relay')) {
      this._live.follow(this._relayBase(), this.share);
      [this._sortColumn, this._query] = [-1, ''];
    }
    const overrides = { chrome: this.chrome, sort: this.sort, search: this.search, board: this.board, theme: this.theme };
    const modes = resolveModes(this._live.model.view, overrides);
    // The same object while nothing changed: rows are re-rendered only when the modes change.
    if (JSON.stringify(modes) !== JSON.stringify(this._modes)) this._modes = modes;
    if (!this._modes.sort) this._sortColumn = -1;
    if (!this._modes.search) this._query = '';
    this.dataset.theme = this._modes.theme;
    this.toggleAttribute('data-board', this._modes.board);
  }

  protected override render(): TemplateResult {
    const { model, state } = this._live;
    const tabs = model.tabs;
    const tab = this._currentTab();
    const title = model.title || (state.status === 'stopped' ? 'Sheetcast' : 'Loading…');
    return html`<section class="frame" part="frame" aria-label=${model.title || 'Live sheet'}>
      <header>
        ${this.fullPage ? html`<h1>${title}</h1>` : html`<div class="title">${title}</div>`}
        ${this._modes.search && tab ? this._searchBox() : nothing}
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

  private _searchBox(): TemplateResult {
    return html`<input
      class="search"
      type="search"
      placeholder="Search"
      aria-label="Search rows"
      .value=${this._query}
      @input=${(e: Event) => {
        this._query = (e.target as HTMLInputElement).value;
        // The rows shown are others now: start from the top of them.
        this._firstVisible = 0;
        this.renderRoot.querySelector('.scroller')?.scrollTo(0, 0);
      }}
    />`;
  }

  private _grid(tab: SheetTab, tabbed: boolean): TemplateResult {
    const order = this._orderOf(tab);
    // A long range renders only the rows around the visible ones, between two spacer rows.
    const windowed = order.rows.length > WINDOW_ABOVE_ROWS;
    this._tops = windowed ? positionTops(order, tab.format, this._rowHeight) : null;
    return html`<div
      class="scroller"
      id="panel"
      tabindex="0"
      role=${tabbed ? 'tabpanel' : 'region'}
      aria-labelledby=${tabbed ? `tab-${this._live.model.tabs.indexOf(tab)}` : nothing}
      aria-label=${tabbed ? nothing : `${tab.key}, scroll with the arrow keys`}
      @scroll=${windowed ? this._onScroll : nothing}
    >
      ${renderTable({
        tab,
        modes: this._modes,
        order,
        window: windowed ? windowAround(order, tab.format, this._firstVisible, this._visibleRows, OVERSCAN_ROWS) : null,
        tops: this._tops,
        sortColumn: this._sortColumn,
        descending: this._descending,
        onSort: (column) => this._sortBy(column),
      })}
    </div>`;
  }

  /** The rows shown, worked out again only when the values, the format, the sort or the search changed (not on scrolling). */
  private _orderOf(tab: SheetTab): RowOrder {
    const key = [tab, tab.version, tab.formatVersion, this._sortColumn, this._descending, this._query];
    if (this._order && key.every((part, i) => part === this._order!.key[i])) return this._order.rows;
    const rows = orderRows(tab.values, tab.format, { sortColumn: this._sortColumn, descending: this._descending, query: this._query });
    this._order = { key, rows };
    return rows;
  }

  /** Ascending, then descending, then the sheet's order again. */
  private _sortBy(column: number): void {
    if (this._sortColumn !== column) [this._sortColumn, this._descending] = [column, false];
    else if (!this._descending) this._descending = true;
    else this._sortColumn = -1;
  }

  private _onScroll(event: Event): void {
    const scroller = event.currentTarget as HTMLElement;
    const tops = this._tops;
    if (!tops) return;
    const header = scroller.querySelector('thead')?.offsetHeight ?? 0;
    this._visibleRows = Math.ceil(scroller.clientHeight / this._rowHeight) + 1;
    const first = positionAt(tops, Math.max(0, scroller.scrollTop - header));
    // Re-render only once the view has moved a good part of the overscan, not on every pixel.
    if (Math.abs(first - this._firstVisible) >= OVERSCAN_ROWS / 4) this._firstVisible = first;
  }

  protected override updated(): void {
    const table = this.renderRoot.querySelector<HTMLTableElement>('.scroller table');
    const format = this._currentTab()?.format;
    if (table && format) stickFrozen(table, format);
    this._autoScroll.enabled = this._modes.board;
    const tab = this._currentTab();
    if (!tab || (tab === this._measured?.tab && this._modes.board === this._measured.board) || !this._tops) return;
    const row = this.renderRoot.querySelector('tbody tr:not(.spacer):not(.sized):not(.frozen)');
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroller');
    if (!row || !scroller) return;
    this._measured = { tab, board: this._modes.board };
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
    this._firstVisible = 0;
    this._sortColumn = -1;
    void this.updateComplete.then(() => this.renderRoot.querySelector('.scroller')?.scrollTo(0, 0));
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
