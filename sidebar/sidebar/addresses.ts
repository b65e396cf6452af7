// Addresses the sidebar works out itself: the relay behind the add-on's links, and ranges typed as A1.
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { SidebarState } from '../../protocol/sidebar.ts';
import type { PublishedRange } from '../../protocol/wire.ts';

/** The relay's base URL, from the links it handed out at publish. */
export function relayBase(state: Pick<SidebarState, 'embedUrl' | 'viewUrl'>): string | null {
  const link = state.embedUrl ?? state.viewUrl;
  if (!link) return null;
  return new URL(state.embedUrl ? '.' : '..', link).href;
}

/** `Sheet1!A1:B2` or `'My sheet'!A1`: the range part after the last `!`, quotes removed from the sheet. */
export function parseRangeInput(text: string): PublishedRange | null {
  const bang = text.lastIndexOf('!');
  if (bang <= 0) return null;
  let sheet = text.slice(0, bang).trim();
  if (sheet.startsWith("'") && sheet.endsWith("'") && sheet.length > 1) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  const rect = parseA1(text.slice(bang + 1).trim());
  return sheet && rect ? { sheet, range: formatA1(rect) } : null;
}
