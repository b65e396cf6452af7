import { LitElement, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SidebarState } from '../../protocol/sidebar.ts';
import type { ViewSettings } from '../../protocol/wire.ts';
import { publishRequest } from './events.ts';
import { defineWebhooksPanel } from './webhooks-panel.ts';
import { defineViewSettings } from './view-settings.ts';

/**
 * A published doc: its link and embed snippet, viewers and sends, the view settings (saved to
 * the relay, where open views pick them up), and Stop. Renders into the sidebar's shadow root.
 *
 * @fires publish-request - Save view settings (`detail`: the doc's options with the new view).
 * @fires stop-request - Stop, once confirmed.
 */
export class SheetcastLivePanel extends LitElement {
  @property({ attribute: false }) accessor addon: SidebarState | null = null;
  /** Viewers other than the sidebar, or null while unknown. */
  @property({ attribute: false }) accessor viewers: number | null = null;
  /** The sidebar's own socket was refused (a private sheet needs sign-in for the count). */
  @property({ type: Boolean }) accessor refused = false;
  @property({ type: Boolean }) accessor busy = false;

  @state() private accessor _copied: 'link' | 'embed' | null = null;
  @state() private accessor _confirmStop = false;
  /** View settings changed here and not saved yet. */
  @state() private accessor _view: ViewSettings | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override willUpdate(): void {
    // Saved: the add-on's state now holds what was changed here.
    if (this._view && JSON.stringify(this.addon?.view ?? {}) === JSON.stringify(this._view)) this._view = null;
  }

  protected override render(): TemplateResult | typeof nothing {
    const addon = this.addon;
    if (!addon) return nothing;
    const viewers = this.viewers;
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
      ${this.refused && addon.access === 'restricted' ? html`<p class="hint">Viewer count needs sign-in for private sheets.</p>` : nothing}
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
      <sheetcast-view-settings .settings=${this._view ?? addon.view ?? {}} @view-change=${(e: CustomEvent<ViewSettings>) => (this._view = e.detail)}></sheetcast-view-settings>
      ${this._view
        ? html`<div class="actions" style="margin-bottom:14px">
            <button class="primary" type="button" ?disabled=${this.busy} @click=${() => this._saveView(addon)}>Save view settings</button>
          </div>`
        : nothing}
      <sheetcast-webhooks-panel></sheetcast-webhooks-panel>
      <div class="actions">
        ${this._confirmStop
          ? html`<button class="danger" type="button" ?disabled=${this.busy} @click=${() => this.dispatchEvent(new CustomEvent('stop-request', { bubbles: true, composed: true }))}>
                Stop and remove the page
              </button>
              <button type="button" @click=${() => (this._confirmStop = false)}>Keep publishing</button>`
          : html`<button class="danger" type="button" @click=${() => (this._confirmStop = true)}>Stop publishing</button>`}
      </div>
    `;
  }

  private _saveView(addon: SidebarState): void {
    const { title, ranges, access, allow } = addon;
    this.dispatchEvent(publishRequest({ title, ranges, access, allow, view: this._view ?? {} }));
  }

  private async _copy(which: 'link' | 'embed', text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // The add-on's iframe may not grant clipboard access: fall back to selecting the text.
      const field = this.querySelector<HTMLInputElement | HTMLTextAreaElement>(which === 'link' ? '#link' : '#embed');
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

function selectAll(event: Event): void {
  (event.target as HTMLInputElement | HTMLTextAreaElement).select();
}

export function defineLivePanel(): void {
  defineViewSettings();
  defineWebhooksPanel();
  if (!customElements.get('sheetcast-live-panel')) customElements.define('sheetcast-live-panel', SheetcastLivePanel);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-live-panel': SheetcastLivePanel;
  }
  interface HTMLElementEventMap {
    'stop-request': CustomEvent<undefined>;
  }
}
