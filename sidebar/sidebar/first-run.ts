import { LitElement, css, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

/** How long the relay may take to answer before this browser counts it unreachable. */
const CHECK_TIMEOUT_MS = 8_000;

/** `checking` until the relay answers or fails; `unknown` when there is no relay to ask. */
export type RelayReach = 'unknown' | 'checking' | 'reachable' | 'unreachable';

/**
 * What a publisher sees before anything is published: the one next step, and whether this browser
 * can reach the relay at all (a network or an organisation that blocks it would keep every viewer
 * on it from the live page, and is otherwise found out only when a link does not open).
 *
 * @fires sheetcast-relay-reach - `detail` is the RelayReach once the check settles.
 */
@customElement('sheetcast-first-run')
export class SheetcastFirstRun extends LitElement {
  static override styles = css`
    :host {
      display: block;
      margin: 0 0 12px;
    }
    .step {
      margin: 0;
      padding: 8px 10px;
      border-radius: 4px;
      background: #e7f2ea;
      color: #0d3d1c;
    }
    .hint {
      margin: 4px 0 0;
      font-size: 12px;
      color: #5e5e5e;
    }
    .unreachable {
      margin: 8px 0 0;
      padding: 8px;
      border-radius: 4px;
      background: #f9dedc;
      color: #8c1d18;
    }
    .unreachable p {
      margin: 0;
    }
    button {
      font: inherit;
      font-weight: 500;
      margin-top: 6px;
      padding: 4px 10px;
      border-radius: 4px;
      border: 1px solid #8c1d18;
      background: #fff;
      color: #8c1d18;
      cursor: pointer;
    }
  `;

  /** The relay the add-on was built for; its `/healthz` is asked from this browser. */
  @property() accessor relay = '';

  @state() private accessor _reach: RelayReach = 'unknown';
  private _checked = '';

  protected override updated(): void {
    if (this.relay && this.relay !== this._checked) void this.check();
  }

  /** Asks the relay's `/healthz` from this browser. Opaque (no-cors): only whether it answers counts. */
  async check(): Promise<RelayReach> {
    const relay = this.relay;
    this._checked = relay;
    this._reach = 'checking';
    let reach: RelayReach;
    try {
      await fetch(new URL('healthz', relay.endsWith('/') ? relay : `${relay}/`), { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      reach = 'reachable';
    } catch {
      reach = 'unreachable';
    }
    if (this.relay === relay) {
      this._reach = reach;
      this.dispatchEvent(new CustomEvent<RelayReach>('sheetcast-relay-reach', { detail: reach, bubbles: true, composed: true }));
    }
    return reach;
  }

  protected override render(): TemplateResult {
    return html`
      <p class="step"><strong>Next step:</strong> select a range in the sheet, then Publish.</p>
      <p class="hint">Press "Use current selection" below, then "Publish"; or, in the menu, Extensions › Sheetcast › Publish the selection.</p>
      ${this._reach === 'unreachable' ? this._unreachable() : nothing}
    `;
  }

  private _unreachable(): TemplateResult {
    const host = URL.parse(this.relay)?.host ?? this.relay;
    return html`<div class="unreachable" role="alert">
      <p>
        This browser cannot reach the Sheetcast relay at <strong>${host}</strong>. It may be down, or your network or your
        organisation may block it; then nobody on this network can open the live page either. Ask your administrator to
        allow ${host}.
      </p>
      <button type="button" @click=${() => void this.check()}>Check again</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-first-run': SheetcastFirstRun;
  }
}
