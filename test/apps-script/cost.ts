// Counts what an execution costs inside Google: every method called on a service object the
// script can reach (SpreadsheetApp and the spreadsheet, sheets and ranges it hands out,
// PropertiesService, LockService, ScriptApp, UrlFetchApp…) is one call of that execution.
// The script sees proxies; the fakes behind them see their own objects, never a proxy.
import type { Runtime } from './execution.ts';

export class CostCounter {
  private readonly _proxies = new WeakMap<object, object>();
  private readonly _targets = new WeakMap<object, object>();
  private readonly _runtime: Runtime;

  constructor(runtime: Runtime) {
    this._runtime = runtime;
  }

  /** `value` as the script sees it: objects counted under `name` (their class name by default). */
  wrap<T>(value: T, name?: string): T {
    if (value === null || typeof value !== 'object' || this._targets.has(value)) return value;
    // Lists and grids of service objects (sheets, triggers, rich text values) are wrapped item by item; grids of values stay the script's own.
    if (Array.isArray(value)) return (holdsObjects(value) ? value.map((item) => this.wrap(item)) : value) as T;
    const known = this._proxies.get(value);
    if (known) return known as T;
    const label = name ?? labelOf(value);
    if (!label) return value;
    const runtime = this._runtime;
    const proxy = new Proxy(value, {
      get: (target, key, receiver) => {
        const member = Reflect.get(target, key, receiver === proxy ? target : receiver);
        if (typeof member !== 'function' || typeof key !== 'string' || key.startsWith('_') || key === 'constructor') return member;
        return (...args: unknown[]) => {
          runtime.count(`${label}.${key}`);
          return this.wrap((member as (...a: unknown[]) => unknown).apply(target, args.map((a) => this.unwrap(a))));
        };
      },
    });
    this._proxies.set(value, proxy);
    this._targets.set(proxy, value);
    return proxy;
  }

  unwrap<T>(value: T): T {
    return (value !== null && typeof value === 'object' ? (this._targets.get(value) ?? value) : value) as T;
  }
}

function holdsObjects(list: unknown[]): boolean {
  return list.some((item) => item !== null && typeof item === 'object' && (Array.isArray(item) ? holdsObjects(item) : labelOf(item) !== null));
}

/** Objects of the fakes (FakeRange → Range); plain objects are builders; arrays of values are data. */
function labelOf(value: object): string | null {
  const name = value.constructor?.name ?? '';
  if (name.startsWith('Fake')) return name.slice(4);
  if (name === 'Object' && Object.values(value).some((v) => typeof v === 'function')) return 'Builder';
  return null;
}
