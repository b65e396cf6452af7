// The view modes (SPEC.md, "The sheet's look"): the publisher's defaults from the snapshot,
// each overridden by the element's attribute (or the view page's query parameter) when set.
import type { ViewSettings } from '../../protocol/wire.ts';

export type Theme = 'light' | 'dark' | 'auto';

export interface ViewModes {
  /** Column letters and row numbers. */
  chrome: boolean;
  sort: boolean;
  search: boolean;
  board: boolean;
  theme: Theme;
}

export const DEFAULT_MODES: ViewModes = { chrome: true, sort: true, search: false, board: false, theme: 'auto' };

/** The names of the attributes (and query parameters) that override the publisher's settings. */
export const MODE_NAMES = ['chrome', 'sort', 'search', 'board', 'theme'] as const;

/** Overrides, then the publisher's settings, then the defaults. */
export function resolveModes(publisher: ViewSettings, overrides: Partial<ViewModes>): ViewModes {
  const modes = { ...DEFAULT_MODES };
  for (const name of MODE_NAMES) {
    const value = overrides[name] ?? publisher[name];
    if (value !== undefined) Object.assign(modes, { [name]: value });
  }
  return modes;
}

const ON = new Set(['', 'on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

/** `board`, `board="on"`: on; `board="off"`: off; absent or anything else: the publisher's choice. */
export const switchAttribute = {
  fromAttribute(value: string | null): boolean | undefined {
    if (value === null) return undefined;
    const word = value.trim().toLowerCase();
    return ON.has(word) ? true : OFF.has(word) ? false : undefined;
  },
};

export const themeAttribute = {
  fromAttribute(value: string | null): Theme | undefined {
    const word = value?.trim().toLowerCase();
    return word === 'light' || word === 'dark' || word === 'auto' ? word : undefined;
  },
};
