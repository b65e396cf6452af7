// Google's partial responses (`fields=`): `a,b(c,d(e)),f.g` keeps only those fields of the
// answer, through arrays. A malformed mask is a 400, as Google answers it.

/** A parsed mask: each field kept, with the mask of its own fields (null: the whole field). */
export type Mask = Map<string, Mask | null>;

export class MaskError extends Error {}

export function parseMask(text: string): Mask {
  let i = 0;
  function list(): Mask {
    const mask: Mask = new Map();
    for (;;) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
      const path = text.slice(start, i);
      if (!path || path.split('.').some((part) => !part)) throw new MaskError(`Invalid field selection ${text}`);
      let sub: Mask | null = null;
      if (text[i] === '(') {
        i++;
        sub = list();
        if (text[i] !== ')') throw new MaskError(`Invalid field selection ${text}`);
        i++;
      }
      add(mask, path.split('.'), sub);
      if (text[i] !== ',') return mask;
      i++;
    }
  }
  const mask = list();
  if (i !== text.length) throw new MaskError(`Invalid field selection ${text}`);
  return mask;
}

function add(mask: Mask, path: string[], sub: Mask | null): void {
  const [head, ...rest] = path as [string, ...string[]];
  const existing = mask.get(head);
  if (existing === null) return; // the whole field is kept already
  if (rest.length === 0) {
    if (sub === null || existing === undefined) mask.set(head, sub);
    else for (const [field, inner] of sub) add(existing, [field], inner);
    return;
  }
  const next = existing ?? new Map();
  mask.set(head, next);
  add(next, rest, sub);
}

/** The value with only the masked fields. */
export function applyMask(value: unknown, mask: Mask | null): unknown {
  if (mask === null || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => applyMask(item, mask));
  const out: Record<string, unknown> = {};
  for (const [field, sub] of mask) {
    const v = (value as Record<string, unknown>)[field];
    if (v !== undefined) out[field] = applyMask(v, sub);
  }
  return out;
}

/** True when the mask reaches `path` (e.g. `sheets.data`). */
export function selects(mask: Mask, path: string[]): boolean {
  let at: Mask | null = mask;
  for (const part of path) {
    if (at === null) return true;
    if (!at.has(part)) return false;
    at = at.get(part)!;
  }
  return true;
}
