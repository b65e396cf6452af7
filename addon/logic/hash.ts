// Non-cryptographic fingerprints: to notice that values changed, never to protect anything.

/** cyrb53: a fast, well-mixed 53-bit string hash. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Width of one cell's fingerprint in a baseline string. */
export const CELL_CODE_WIDTH = 4;

/** A 24-bit fingerprint of one display value as 4 URL-safe characters. */
export function cellCode(value: string): string {
  const h = hash53(value) % 16_777_216;
  return DIGITS[(h >>> 18) & 63]! + DIGITS[(h >>> 12) & 63]! + DIGITS[(h >>> 6) & 63]! + DIGITS[h & 63]!;
}

/** A fingerprint of every published value, shape included: equal only when nothing changed. */
export function valuesHash(ranges: { sheet: string; range: string; values: string[][] }[]): string {
  // Lengths are hashed with the text so that no two different grids serialize alike.
  const text = JSON.stringify(ranges.map((r) => [r.sheet, r.range, r.values]));
  return hash53(text, 1).toString(36) + '.' + hash53(text, 2).toString(36);
}
