import { LitElement, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SidebarState } from '../../protocol/sidebar.ts';
import type { Access, PublishedRange, ViewSettings } from '../../protocol/wire.ts';
import { parseRangeInput } from './addresses.ts';
import { inputValue, messageOf, publishRequest, sidebarProblem } from './events.ts';
import { callServer } from './server.ts';
import { defineViewSettings } from './view-settings.ts';

/**
 * What to publish: title, ranges (the selection, or typed), who can see it, how the view looks.
 * Its fields start from the add-on's state the first time it is given one and are then the
 * publisher's. Renders into the sidebar's shadow root, for its styles.
 *
 * @fires publish-request - on Publish (`detail`: the PublishOptions).
 * @fires sidebar-problem - a problem in words, or '' once it is solved.
 */
export class SheetcastPublishForm extends LitElement {
  /** The add-on's state. */
  @property({ attribute: false }) accessor addon: SidebarState | null = null;
  /** True while the sidebar waits for the add-on: the buttons are disabled. */
  @property({ type: Boolean }) accessor busy = false;

  @state() private accessor _title = '';
  @state() private accessor _ranges: PublishedRange[] = [];
  @state() private accessor _access: Access = 'link';
  @state() private accessor _allow = '';
  @state() private accessor _view: ViewSettings = {};
  @state() private accessor _rangeText = '';
  @state() private accessor _selecting = false;
  private _started = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override willUpdate(): void {
    const addon = this.addon;
    if (!addon || addon.published) return;
    this._title ||= addon.title;
    if (this._started) return;
    this._started = true;
    this._ranges = addon.ranges;
    this._access = addon.access;
    this._allow = addon.allow.join('\n');
    this._view = addon.view ?? {};
  }

  protected override render(): TemplateResult {
    const busy = this.busy || this._selecting;
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
      <sheetcast-view-settings .settings=${this._view} @view-change=${(e: CustomEvent<ViewSettings>) => (this._view = e.detail)}></sheetcast-view-settings>
      <button class="primary" type="submit" ?disabled=${busy || this._ranges.length === 0}>Publish</button>
    </form>`;
  }

  private async _useSelection(): Promise<void> {
    this._selecting = true;
    try {
      this._addRange(await callServer('useSelection'));
      this.dispatchEvent(sidebarProblem(''));
    } catch (error) {
      this.dispatchEvent(sidebarProblem(messageOf(error)));
    } finally {
      this._selecting = false;
    }
  }

  private _addTypedRange(): void {
    const range = parseRangeInput(this._rangeText);
    if (!range) {
      this.dispatchEvent(sidebarProblem(`"${this._rangeText}" is not a range like Sheet1!A1:D20.`));
      return;
    }
    this._addRange(range);
    this._rangeText = '';
    this.dispatchEvent(sidebarProblem(''));
  }

  private _addRange(range: PublishedRange): void {
    if (!this._ranges.some((r) => r.sheet === range.sheet && r.range === range.range)) this._ranges = [...this._ranges, range];
  }

  private _removeRange(index: number): void {
    this._ranges = this._ranges.filter((_, i) => i !== index);
  }

  private _publish(event: Event): void {
    event.preventDefault();
    const allow = this._allow.split(/[\s,;]+/).filter(Boolean);
    this.dispatchEvent(publishRequest({ title: this._title.trim() || 'Untitled', ranges: this._ranges, access: this._access, allow, view: this._view }));
  }
}

export function definePublishForm(): void {
  defineViewSettings();
  if (!customElements.get('sheetcast-publish-form')) customElements.define('sheetcast-publish-form', SheetcastPublishForm);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-publish-form': SheetcastPublishForm;
  }
}
