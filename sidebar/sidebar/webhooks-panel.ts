import { LitElement, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { SidebarWebhook } from '../../protocol/sidebar.ts';
import { callServer } from './server.ts';

/**
 * The published doc's webhooks: the endpoints its changes are POSTed to, each with its state,
 * added by address (the signing secret shown once) and removed. Renders into the sidebar's
 * shadow root (no shadow of its own), for its styles.
 */
export class SheetcastWebhooksPanel extends LitElement {
  @state() private accessor _hooks: SidebarWebhook[] | null = null;
  @state() private accessor _secret: { url: string; secret: string } | null = null;
  @state() private accessor _problem = '';
  @state() private accessor _busy = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render(): TemplateResult {
    // Listed when opened: each list is a fetch from Apps Script, counted against the publisher's quota.
    return html`<details class="webhooks" @toggle=${this._opened}>
      <summary>Webhooks</summary>
      <p class="hint">Each change of the published cells is POSTed to these addresses, signed (Standard Webhooks).</p>
      ${this._hooks === null
        ? html`<p class="hint">Loading…</p>`
        : this._hooks.length === 0
          ? html`<p class="hint">No webhooks yet.</p>`
          : html`<ul class="hooks">
              ${this._hooks.map(
                (hook) => html`<li>
                  <span class="url">${hook.url}</span>
                  <span class=${hook.state === 'active' ? 'ok' : 'warning'}>${hook.state === 'active' ? 'active' : `disabled${hook.lastError ? `: ${hook.lastError}` : ''}`}</span>
                  <button type="button" ?disabled=${this._busy} @click=${() => this._remove(hook.id)} aria-label=${`Remove the webhook to ${hook.url}`}>Remove</button>
                </li>`,
              )}
            </ul>`}
      ${this._secret
        ? html`<p class="secret" role="status">
            Signing secret for ${this._secret.url}, shown only now: <input readonly .value=${this._secret.secret} aria-label="Signing secret" @focus=${selectAll} />
          </p>`
        : nothing}
      <form @submit=${this._add}>
        <label>Address <input name="url" type="url" required placeholder="https://example.com/hooks/sheet" /></label>
        <button type="submit" ?disabled=${this._busy}>Add webhook</button>
      </form>
      ${this._problem ? html`<p class="error" role="alert">${this._problem}</p>` : nothing}
    </details>`;
  }

  private _opened(event: Event): void {
    if ((event.target as HTMLDetailsElement).open && this._hooks === null) void this._run(async () => (this._hooks = await callServer('listWebhooks')));
  }

  private async _add(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const url = (form.elements.namedItem('url') as HTMLInputElement).value;
    await this._run(async () => {
      const added = await callServer('addWebhook', url);
      this._hooks = added.webhooks;
      this._secret = { url, secret: added.secret };
      form.reset();
    });
  }

  private async _remove(id: string): Promise<void> {
    await this._run(async () => (this._hooks = await callServer('removeWebhook', id)));
  }

  private async _run(work: () => Promise<unknown>): Promise<void> {
    this._busy = true;
    this._problem = '';
    try {
      await work();
    } catch (error) {
      this._problem = error instanceof Error ? error.message : String(error);
    } finally {
      this._busy = false;
    }
  }
}

function selectAll(event: Event): void {
  (event.target as HTMLInputElement).select();
}

export function defineWebhooksPanel(): void {
  if (!customElements.get('sheetcast-webhooks-panel')) customElements.define('sheetcast-webhooks-panel', SheetcastWebhooksPanel);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-webhooks-panel': SheetcastWebhooksPanel;
  }
}
