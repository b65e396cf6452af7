import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { columnLetters } from '../../protocol/a1.ts';
import { LiveController } from '../live/controller.ts';
import type { LiveStatus } from '../live/client.ts';
import type { SheetTab } from '../live/sheet.ts';
import { viewStyles } from './styles.ts';

/** How long after a change a re-rendered cell keeps its highlight class (the animation is shorter). */
const FLASH_MS = 2_000;
/** Values longer than this are likely cut off by the column width: their full text goes in a tooltip. */
const TOOLTIP_CHARS = 24;
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

  private readonly _live = new LiveController(this, {
    onChange: (changed) => {
      const detail: SheetcastUpdateDetail = { changed, title: this._live.model.title };
      this.dispatchEvent(new CustomEvent('sheetcast-update', { detail, bubbles: true, composed: true }));
    },
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('share') || changed.has('relay')) this._live.follow(this.relay || defaultRelay || location.origin, this.share);
  }

  protected override render(): TemplateResult {
    const { model, state } = this._live;
    const tabs = model.tabs;
    const tab = tabs.find((t) => t.key === this._selected) ?? tabs[0];
    const title = model.title || (state.status === 'stopped' ? 'Sheetcast' : 'Loading…');
    return html`<section class="frame" part="frame" aria-label=${model.title || 'Live sheet'}>
      <header>
        ${this.fullPage ? html`<h1>${title}</h1>` : html`<div class="title">${title}</div>`}
        <div class="meta">
          <span class="status ${state.status}" role="status">${STATUS_WORDS[state.status]}</span>
          ${state.viewers === null ? nothing : html`<span class="viewers">${state.viewers} ${state.viewers === 1 ? 'viewer' : 'viewers'}</span>`}
        </div>
      </header>
      ${state.message ? html`<p class="message ${state.status}" role="alert">${state.message}</p>` : nothing}
      ${tabs.length > 1 ? this._tabList(tabs, tab) : nothing}
      ${tab ? this._grid(tab, tabs.length > 1) : html`<p class="empty">${state.status === 'stopped' ? 'Nothing to show.' : 'Waiting for the sheet…'}</p>`}
    </section>`;
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
          @click=${() => (this._selected = t.key)}
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
    return html`<div
      class="scroller"
      id="panel"
      tabindex="0"
      role=${tabbed ? 'tabpanel' : 'region'}
      aria-labelledby=${tabbed ? `tab-${this._live.model.tabs.indexOf(tab)}` : nothing}
      aria-label=${tabbed ? nothing : `${tab.key}, scroll with the arrow keys`}
    >
      <table>
        <caption>${tab.key}</caption>
        <thead>
          <tr>
            <td class="corner"></td>
            ${letters.map((l) => html`<th scope="col">${l}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${tab.values.map((_, i) => guard([tab, tab.rowVersions[i]], () => this._row(tab, i, top + i, letters, now)))}
        </tbody>
      </table>
    </div>`;
  }

  /** One row; re-evaluated only when a cell in it changed (see `guard` above). */
  private _row(tab: SheetTab, i: number, rowNumber: number, letters: string[], now: number): TemplateResult {
    const cells = tab.values[i]!;
    const changedAt = tab.changedAt[i]!;
    const changes = tab.changes[i]!;
    return html`<tr>
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
    this._selected = tabs[next]!.key;
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
