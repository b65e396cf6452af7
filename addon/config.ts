// The relay origin, baked in at build time (scripts/build-addon.ts defines SHEETCAST_RELAY_URL).

declare const SHEETCAST_RELAY_URL: string;

export const RELAY_URL: string = SHEETCAST_RELAY_URL.replace(/\/+$/, '');
