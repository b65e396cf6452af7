import { LitElement, html } from 'lit';
import type { TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ViewSettings } from '../../protocol/wire.ts';
import { resolveModes } from '../view/modes.ts';
import type { Theme } from '../view/modes.ts';
import { viewChange } from './events.ts';

const SWITCHES = [
  ['chrome', 'Column letters and row numbers'],
  ['sort', 'Sort by clicking a column'],
  ['search', 'Search box'],
  ['board', 'Board mode for screens: large type, fit to width, scrolls by itself'],
] as const;

const THEMES: [Theme, string][] = [
  ['auto', 'As the viewer’s device'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/**
 * The publisher's defaults for how the view shows the doc; each is overridable by the page
 * that embeds it. Renders into the sidebar's shadow root (no shadow of its own), for its styles.
 *
 * @fires view-change - on every change (`detail`: the whole ViewSettings).
 */
export class SheetcastViewSettings extends LitElement {
  /** The settings shown; the element keeps its own copy up to date as the publisher changes them. */
  @property({ attribute: false }) accessor settings: ViewSettings = {};

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render(): TemplateResult {
    const modes = resolveModes(this.settings, {});
    return html`<fieldset class="choices">
      <legend>How the view looks</legend>
      ${SWITCHES.map(
        ([name, label]) => html`<label
          ><input type="checkbox" name=${name} .checked=${modes[name]} @change=${(e: Event) => this._set({ [name]: (e.target as HTMLInputElement).checked })} />
          ${label}</label
        >`,
      )}
      <!-- The select inside its label: the form and the live panel may both hold one of these. -->
      <label class="heading" style="margin-top:6px"
        >Theme
        <select @change=${(e: Event) => this._set({ theme: (e.target as HTMLSelectElement).value as Theme })}>
          ${THEMES.map(([value, label]) => html`<option value=${value} ?selected=${modes.theme === value}>${label}</option>`)}
        </select></label
      >
      <p class="hint">A page that embeds the view can change each of these (see the embed snippet's attributes).</p>
    </fieldset>`;
  }

  private _set(change: ViewSettings): void {
    this.settings = { ...this.settings, ...change };
    this.dispatchEvent(viewChange(this.settings));
  }
}

export function defineViewSettings(): void {
  if (!customElements.get('sheetcast-view-settings')) customElements.define('sheetcast-view-settings', SheetcastViewSettings);
}

declare global {
  interface HTMLElementTagNameMap {
    'sheetcast-view-settings': SheetcastViewSettings;
  }
}
