// Long strings in document properties: Apps Script caps each value at 9 KB, so a blob is a
// count under its key and chunks under `key.0`, `key.1`, …

import { PROPERTY_CHUNK_BYTES } from './limits.ts';

export type PropertyMap = Record<string, string>;

function utf8Length(codeUnit: number, next: number): number {
  if (codeUnit < 0x80) return 1;
  if (codeUnit < 0x800) return 2;
  if (codeUnit >= 0xd800 && codeUnit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return 4;
  return 3;
}

/** Splits text into pieces of at most maxBytes UTF-8 bytes, never inside a surrogate pair. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const size = utf8Length(text.charCodeAt(i), text.charCodeAt(i + 1));
    const units = size === 4 ? 2 : 1;
    if (bytes + size > maxBytes) {
      pieces.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    i += units;
  }
  if (start < text.length || pieces.length === 0) pieces.push(text.slice(start));
  return pieces;
}

export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const size = utf8Length(text.charCodeAt(i), text.charCodeAt(i + 1));
    bytes += size;
    if (size === 4) i++;
  }
  return bytes;
}

export function writeBlob(into: PropertyMap, key: string, text: string): void {
  const chunks = text === '' ? [] : splitUtf8(text, PROPERTY_CHUNK_BYTES);
  into[key] = String(chunks.length);
  chunks.forEach((chunk, i) => (into[`${key}.${i}`] = chunk));
}

/** The blob under key, or null when absent or incomplete. */
export function readBlob(from: PropertyMap, key: string): string | null {
  const count = Number(from[key]);
  if (from[key] === undefined || !Number.isInteger(count) || count < 0) return null;
  let text = '';
  for (let i = 0; i < count; i++) {
    const chunk = from[`${key}.${i}`];
    if (chunk === undefined) return null;
    text += chunk;
  }
  return text;
}

/** What to set and what to delete to turn the stored properties `before` into `after`. */
export function propertyChanges(before: PropertyMap, after: PropertyMap): { set: PropertyMap; remove: string[] } {
  const set: PropertyMap = {};
  for (const [key, value] of Object.entries(after)) if (before[key] !== value) set[key] = value;
  const remove = Object.keys(before).filter((key) => !(key in after));
  return { set, remove };
}
