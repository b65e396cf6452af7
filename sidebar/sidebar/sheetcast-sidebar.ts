import { LitElement, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { SidebarState } from '../../protocol/sidebar.ts';
import type { Access, PublishedRange } from '../../protocol/wire.ts';
import { LiveController } from '../live/controller.ts';
import { parseRangeInput, relayBase } from './addresses.ts';
import './first-run.ts';
import { callServer } from './server.ts';
import { sidebarStyles } from './styles.ts';

/** unpublished → publishing → live; `error` when the add-on or the relay reported a failure. */
export type SidebarStatus = 'loading' | 'unpublished' | 'publishing' | 'live' | 'error';

const STATUS_WORDS: Record<SidebarStatus, string> = {
  loading: 'Loading…',
  unpublished: 'Not published',
  publishing: 'Publishing…',
  live: 'Live',
  error: 'Error',
};

/** The add-on refreshes its counters this often while the sidebar is open and visible. */
const REFRESH_MS = 30_000;

/**
 * The publisher's control panel inside Google Sheets (an HtmlService sidebar, 300 px wide).
 * Talks to the add-on only through `google.script.run`; watches the relay for the live viewer count.
 */
export class SheetcastSidebar extends LitElement {
  static override styles = sidebarStyles;

  @state() private accessor _addon: SidebarState | null = null;
  @state() private accessor _busy: 'publishing' | 'stopping' | 'selecting' | null = null;
  @state() private accessor _error = '';
  @state() private accessor _title = '';
  @state() private accessor _ranges: PublishedRange[] = [];
  @state() private accessor _access: Access = 'link';
  @state() private accessor _allow = '';
  @state() private accessor _rangeText = '';
  @state() private accessor _copied: 'link' | 'embed' | null = null;
  @state() private accessor _confirmStop = false;

  /** Presence only: the sidebar's own socket is one of the viewers the relay counts. */
  private readonly _live = new LiveController(this, { cells: false });
  private _timer: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._refresh();
    this._timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !this._busy) void this._refresh();
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this._timer !== null) clearInterval(this._timer);
  }

  private get _status(): SidebarStatus {
    if (this._busy === 'publishing') return 'publishing';
    if (!this._addon) return this._error ? 'error' : 'loading';
    if (this._error || this._addon.lastError) return 'error';
    return this._addon.published ? 'live' : 'unpublished';
  }

  private async _refresh(): Promise<void> {
    try {
      this._show(await callServer('getState'));
    } catch (error) {
      this._error = messageOf(error);
    }
  }

  private _show(addon: SidebarState): void {
    const first = this._addon === null;
    this._addon = addon;
    if (first || !addon.published) {
      this._title ||= addon.title;
      if (first) {
        this._ranges = addon.ranges;
        this._access = addon.access;
        this._allow = addon.allow.join('\n');
      }
    }
    const relay = addon.published ? relayBase(addon) : null;
    this._live.follow(relay ?? '', relay && addon.shareId ? addon.shareId : '');
  }

  protected override render(): TemplateResult {
    const status = this._status;
    const addon = this._addon;
    const problem = this._error || addon?.lastError || '';
    return html`
      <header>
        <h1>Sheetcast</h1>
        <span class="pill ${status}" role="status">${STATUS_WORDS[status]}</span>
      </header>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : nothing}
      ${addon && !addon.published ? html`<sheetcast-first-run relay=${addon.relayUrl}></sheetcast-first-run>` : nothing}
      ${addon?.published ? this._liveView(addon) : addon ? this._publishForm() : nothing}
    `;
  }

  private _publishForm(): TemplateResult {
    const busy = this._busy !== null;
    return html`<form @submit=${this._publish}>
      <section>
        <label class="heading" for="title">Title</label>
        <input id="title" type="text" maxlength="200" .value=${this._title} @input=${(e: Event) => (this._title = inputValue(e))} />
      </section>
      <fieldset>
        <legend>Ranges to publish</legend>
        ${this._ranges.length
          ? html`<ul>
              ${this._ranges.map(
                (r, i) => html`<li>
                  <span>${r.sheet}!${r.range}</span>
                  <button type="button" aria-label="Remove ${r.sheet}!${r.range}" @click=${() => this._removeRange(i)}>×</button>
                </li>`,
              )}
            </ul>`
          : html`<p class="hint">Nothing yet: select cells in the sheet, then use the selection.</p>`}
        <div class="actions">
          <button type="button" ?disabled=${busy} @click=${this._useSelection}>Use current selection</button>
        </div>
        <div class="row" style="margin-top:6px">
          <input
            type="text"
            aria-label="Range, like Sheet1!A1:D20"
            placeholder="Sheet1!A1:D20"
            .value=${this._rangeText}
            @input=${(e: Event) => (this._rangeText = inputValue(e))}
            @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.preventDefault(), this._addTypedRange())}
          />
          <button type="button" @click=${this._addTypedRange}>Add</button>
        </div>
      </fieldset>
      <fieldset class="choices">
        <legend>Who can see it</legend>
        <label
          ><input type="radio" name="access" value="link" .checked=${this._access === 'link'} @change=${() => (this._access = 'link')} />
          Anyone with the link</label
        >
        <label
          ><input
            type="radio"
            name="access"
            value="restricted"
            .checked=${this._access === 'restricted'}
            @change=${() => (this._access = 'restricted')}
          />
          Only people I list (Google sign-in)</label
        >
        ${this._access === 'restricted'
          ? html`<label class="heading" for="allow" style="margin-top:6px">Allowed emails or @domains</label>
              <textarea id="allow" rows="3" .value=${this._allow} @input=${(e: Event) => (this._allow = inputValue(e))}></textarea>
              <p class="hint">One per line, e.g. ana@example.com or @example.com.</p>`
          : nothing}
      </fieldset>
      <button class="primary" type="submit" ?disabled=${busy || this._ranges.length === 0}>Publish</button>
    </form>`;
  }

  private _liveView(addon: SidebarState): TemplateResult {
    const live = this._live.state;
    const viewers = live.status === 'live' && live.viewers !== null ? Math.max(0, live.viewers - 1) : null;
    const snippet = addon.embedSnippet ?? '';
    return html`
      <section>
        <label class="heading" for="link">Link</label>
        <div class="row">
          <input id="link" type="url" readonly .value=${addon.viewUrl ?? ''} @focus=${selectAll} />
          <button type="button" @click=${() => this._copy('link', addon.viewUrl ?? '')}>${this._copied === 'link' ? 'Copied' : 'Copy'}</button>
        </div>
        <p class="hint"><a href=${addon.viewUrl ?? ''} target="_blank" rel="noopener">Open the live page</a></p>
      </section>
      <section>
        <label class="heading" for="embed">Embed on a website</label>
        <textarea id="embed" rows="4" readonly .value=${snippet} @focus=${selectAll}></textarea>
        <button type="button" @click=${() => this._copy('embed', snippet)}>${this._copied === 'embed' ? 'Copied' : 'Copy snippet'}</button>
      </section>
      <section class="stats">
        <div class="stat" aria-live="polite">
          <strong class="viewers">${viewers ?? '–'}</strong> ${viewers === 1 ? 'viewer' : 'viewers'} now
        </div>
        <div class="stat"><strong class="sent">${addon.sentToday}</strong> edits sent today</div>
      </section>
      ${live.status === 'stopped' && addon.access === 'restricted'
        ? html`<p class="hint">Viewer count needs sign-in for private sheets.</p>`
        : nothing}
      ${addon.pending ? html`<p class="hint">${addon.pending} ${addon.pending === 1 ? 'batch' : 'batches'} waiting for the relay; they are re-sent in order.</p>` : nothing}
      ${addon.recent.length
        ? html`<section>
            <h2>Recently sent</h2>
            <ul class="recent">
              ${addon.recent
                .slice(-5)
                .reverse()
                .map(
                  (r) => html`<li>
                    <span>${r.kind === 'snapshot' ? 'Whole ranges' : r.ranges.join(', ')}</span>
                    <time datetime=${new Date(r.at).toISOString()}>${clock(r.at)}</time>
                  </li>`,
                )}
            </ul>
          </section>`
        : nothing}
      <section>
        <h2>Published</h2>
        <ul>
          ${addon.ranges.map((r) => html`<li>${r.sheet}!${r.range}</li>`)}
        </ul>
        <p class="hint">
          ${addon.access === 'link' ? 'Anyone with the link can see these ranges.' : `Only ${addon.allow.join(', ')} after signing in.`}
        </p>
      </section>
      <div class="actions">
        ${this._confirmStop
          ? html`<button class="danger" type="button" ?disabled=${this._busy !== null} @click=${this._stop}>Stop and remove the page</button>
              <button type="button" @click=${() => (this._confirmStop = false)}>Keep publishing</button>`
          : html`<button class="danger" type="button" @click=${() => (this._confirmStop = true)}>Stop publishing</button>`}
      </div>
    `;
  }

  private async _useSelection(): Promise<void> {
    this._busy = 'selecting';
    try {
      this._addRange(await callServer('useSelection'));
      this._error = '';
    } catch (error) {
      this._error = messageOf(error);
    } finally {
      this._busy = null;
    }
  }

  private _addTypedRange(): void {
    const range = parseRangeInput(this._rangeText);
    if (!range) {
      this._error = `"${this._rangeText}" is not a range like Sheet1!A1:D20.`;
      return;
    }
    this._addRange(range);
    this._rangeText = '';
    this._error = '';
  }

  private _addRange(range: PublishedRange): void {
    if (!this._ranges.some((r) => r.sheet === range.sheet && r.range === range.range)) this._ranges = [...this._ranges, range];
  }

  private _removeRange(index: number): void {
    this._ranges = this._ranges.filter((_, i) => i !== index);
  }

  private async _publish(event: Event): Promise<void> {
    event.preventDefault();
    this._busy = 'publishing';
    this._error = '';
    try {
      const allow = this._allow.split(/[\s,;]+/).filter(Boolean);
      this._show(await callServer('publish', { title: this._title.trim() || 'Untitled', ranges: this._ranges, access: this._access, allow }));
    } catch (error) {
      this._error = messageOf(error);
    } finally {
      this._busy = null;
    }
  }

  private async _stop(): Promise<void> {
    this._busy = 'stopping';
    this._error = '';
    try {
      this._show(await callServer('unpublish'));
      this._confirmStop = false;
    } catch (error) {
      this._error = messageOf(error);
    } finally {
      this._busy = null;
    }
  }

  private async _copy(which: 'link' | 'embed', text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // The add-on's iframe may not grant clipboard access: fall back to selecting the text.
      const field = this.renderRoot.querySelector<HTMLInputElement | HTMLTextAreaElement>(which === 'link' ? '#link' : '#embed');
      field?.select();
      document.execCommand('copy');
    }
    this._copied = which;
    setTimeout(() => {
      if (this._copied === which) this._copied = null;
    }, 2_000);
  }
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function inputValue(event: Event): string {
  return (event.target as HTMLInputElement | HTMLTextAreaElement).value;
}

function selectAll(event: Event): void {
  (event.target as HTMLInputElement | HTMLTextAreaElement).select();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function defineSheetcastSidebar(): void {
  if (!customElements.get('sheetcast-sidebar')) customElements.define('sheetcast-sidebar', SheetcastSidebar);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-sidebar': SheetcastSidebar;
  }
}
