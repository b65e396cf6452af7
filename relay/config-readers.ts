// How the text of one environment variable becomes its value: the readers the configuration's
// table (config.ts) is written with. A reader throws `Invalid` with what is wrong, in words.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export type Env = Record<string, string | undefined>;

/** How one variable's text (trimmed, not blank) becomes its value, and its value when unset or blank. */
export interface Variable<T> {
  read(raw: string): T;
  fallback: T;
}

/** What a reader throws: what is wrong with the text. */
export class Invalid extends Error {}

function must(ok: boolean, problem: string): void {
  if (!ok) throw new Invalid(problem);
}

function variable<T, F extends T | undefined>(fallback: F, read: (raw: string) => T): Variable<T | F> {
  return { fallback, read };
}

export const text = <F extends string | undefined>(fallback: F) => variable(fallback, (raw) => raw);

export const whole = (fallback: number, min: number, max: number) =>
  variable(fallback, (raw) => {
    const n = Number(raw);
    must(Number.isInteger(n) && n >= min && n <= max, `must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  });

export const flag = <F extends boolean | undefined>(fallback: F) =>
  variable(fallback, (raw) => {
    const yes = ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
    must(yes || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase()), `must be 1 or 0, got "${raw}"`);
    return yes;
  });

export const oneOf = (values: readonly string[], fallback: string) =>
  variable(fallback, (raw) => {
    must(values.includes(raw), `must be one of ${values.join(', ')}, got "${raw}"`);
    return raw;
  });

/** Optional text that must pass `test`. */
export const checked = (test: (raw: string) => boolean, problem: (raw: string) => string) =>
  variable(undefined, (raw) => {
    must(test(raw), problem(raw));
    return raw;
  });

/** An optional absolute http(s) URL, kept without trailing slashes. */
export const httpUrl = () =>
  variable(undefined, (raw) => {
    const parsed = URL.parse(raw);
    must(parsed !== null, `must be an absolute http(s) URL, got "${raw}"`);
    must(parsed!.protocol === 'http:' || parsed!.protocol === 'https:', `must be an http(s) URL, got "${raw}"`);
    return raw.replace(/\/+$/, '');
  });

/** An optional URL of a service (database, Redis) with one of `protocols`. */
export const serviceUrl = (protocols: string[]) =>
  checked((raw) => protocols.includes(URL.parse(raw)?.protocol ?? ''), () => `must be a ${protocols.map((p) => `${p}//…`).join(' or ')} URL`);

/** How many proxies stand in front of the relay, or their addresses (IPs or CIDR ranges). */
export const proxies = () =>
  variable(0 as number | string[], (raw) => {
    if (/^[0-9]+$/.test(raw)) {
      must(Number(raw) <= 10, `must be at most 10 proxies, got "${raw}"`);
      return Number(raw);
    }
    const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const valid = (entry: string) => {
      const [address, bits, ...rest] = entry.split('/');
      const family = isIP(address!);
      return family !== 0 && rest.length === 0 && (bits === undefined || (/^[0-9]+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
    };
    must(entries.length > 0 && entries.every(valid), `must be how many proxies are in front of the relay (0, 1, …) or their addresses (like 10.0.0.0/8,127.0.0.1), got "${raw}"`);
    return entries;
  });

export const list = () => variable(undefined, (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean));

export const base64Key = (bytes: number) =>
  variable(undefined, (raw) => {
    const key = Buffer.from(raw, 'base64');
    must(key.length === bytes, `must be ${bytes} bytes in base64 (openssl rand -base64 ${bytes}), got ${key.length} bytes`);
    return key;
  });

/** An optional text file the operator provides, read once at start: its path and its UTF-8 text. */
export const textFile = (maxBytes: number) =>
  variable(undefined as { path: string; text: string } | undefined, (raw) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(raw);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'the relay may not read it' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
      throw new Invalid(`must be a readable file, but "${raw}" cannot be read: ${why}`);
    }
    must(bytes.length <= maxBytes, `must be at most ${maxBytes} bytes, but "${raw}" has ${bytes.length}`);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    must(!text.includes('\uFFFD'), `must be UTF-8 text, but "${raw}" is not`);
    must(text.trim() !== '', `must not be empty, but "${raw}" is`);
    return { path: raw, text };
  });

/** Optional: an email address or an http(s) URL where someone can be reached. */
export const contact = () =>
  checked(
    (raw) => /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(raw) || ['http:', 'https:'].includes(URL.parse(raw)?.protocol ?? ''),
    (raw) => `must be an email address or an http(s) URL, got "${raw}"`,
  );

export interface ConfigProblem {
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  /** Every bad variable, in the order of the table. */
  readonly problems: readonly ConfigProblem[];

  constructor(variable: string, problem: string, ...others: ConfigProblem[]) {
    const problems = [{ variable, problem }, ...others];
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
