// `style=${cssProps({...})}`: like Lit's styleMap, but it writes through the CSSOM from the first
// render on. styleMap's first render sets the `style` attribute, which a Content-Security-Policy
// without 'unsafe-inline' for styles (the relay's pages, many embedding sites) blocks.
import { noChange } from 'lit';
import type { AttributePart } from 'lit';
import { Directive, PartType, directive } from 'lit/directive.js';
import type { PartInfo } from 'lit/directive.js';

class CssPropsDirective extends Directive {
  /** What was written last time: only what differs is written again (each write is a DOM mutation). */
  private _previous: Readonly<Record<string, string>> = {};

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ATTRIBUTE || partInfo.name !== 'style') throw new Error('cssProps belongs in a style attribute');
  }

  render(_properties: Readonly<Record<string, string>>): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [properties]: [Readonly<Record<string, string>>]): typeof noChange {
    const style = part.element.style;
    for (const name of Object.keys(this._previous)) if (!(name in properties)) style.removeProperty(name);
    for (const [name, value] of Object.entries(properties)) if (this._previous[name] !== value) style.setProperty(name, value);
    this._previous = properties;
    return noChange;
  }
}

export const cssProps = directive(CssPropsDirective);
