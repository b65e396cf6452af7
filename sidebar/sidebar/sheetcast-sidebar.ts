import { LitElement, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { PublishOptions, SidebarState } from '../../protocol/sidebar.ts';
import { LiveController } from '../live/controller.ts';
import { relayBase } from './addresses.ts';
import { messageOf } from './events.ts';
import './first-run.ts';
import { defineLivePanel } from './live-panel.ts';
import { definePublishForm } from './publish-form.ts';
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
 * The publisher's control panel inside Google Sheets (an HtmlService sidebar, 300 px wide):
 * the publish form (`<sheetcast-publish-form>`) or the live doc (`<sheetcast-live-panel>`).
 * Talks to the add-on only through `google.script.run`; watches the relay for the live viewer count.
 */
export class SheetcastSidebar extends LitElement {
  static override styles = sidebarStyles;

  @state() private accessor _addon: SidebarState | null = null;
  @state() private accessor _busy: 'publishing' | 'stopping' | null = null;
  @state() private accessor _error = '';

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
    this._addon = addon;
    const relay = addon.published ? relayBase(addon) : null;
    this._live.follow(relay ?? '', relay && addon.shareId ? addon.shareId : '');
  }

  protected override render(): TemplateResult {
    const status = this._status;
    const addon = this._addon;
    const problem = this._error || addon?.lastError || '';
    const live = this._live.state;
    return html`
      <header>
        <h1>Sheetcast</h1>
        <span class="pill ${status}" role="status">${STATUS_WORDS[status]}</span>
      </header>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : nothing}
      ${addon && !addon.published ? html`<sheetcast-first-run relay=${addon.relayUrl}></sheetcast-first-run>` : nothing}
      ${addon
        ? html`<sheetcast-publish-form
            ?hidden=${addon.published}
            .addon=${addon}
            ?busy=${this._busy !== null}
            @publish-request=${this._publish}
            @sidebar-problem=${(e: CustomEvent<string>) => (this._error = e.detail)}
          ></sheetcast-publish-form>`
        : nothing}
      ${addon?.published
        ? html`<sheetcast-live-panel
            .addon=${addon}
            .viewers=${live.status === 'live' && live.viewers !== null ? Math.max(0, live.viewers - 1) : null}
            ?refused=${live.status === 'stopped'}
            ?busy=${this._busy !== null}
            @publish-request=${this._publish}
            @stop-request=${this._stop}
          ></sheetcast-live-panel>`
        : nothing}
    `;
  }

  private async _publish(event: CustomEvent<PublishOptions>): Promise<void> {
    this._busy = 'publishing';
    this._error = '';
    try {
      this._show(await callServer('publish', event.detail));
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
    } catch (error) {
      this._error = messageOf(error);
    } finally {
      this._busy = null;
    }
  }
}

export function defineSheetcastSidebar(): void {
  definePublishForm();
  defineLivePanel();
  if (!customElements.get('sheetcast-sidebar')) customElements.define('sheetcast-sidebar', SheetcastSidebar);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-sidebar': SheetcastSidebar;
  }
}
