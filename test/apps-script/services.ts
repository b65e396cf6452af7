/// <reference types="google-apps-script" />
// PropertiesService, LockService, CacheService, Session and Utilities, following their
// documented behaviour and limits.
import { randomUUID } from 'node:crypto';
import { Scope, type Execution, type Runtime } from './execution.ts';

type P = GoogleAppsScript.Properties.Properties;

/** Apps Script's documented property limits: 9 KB per value, 500 KB per store. */
export const PROPERTY_VALUE_BYTES = 9 * 1024;
export const PROPERTY_STORE_BYTES = 500 * 1024;

/**
 * Daily quotas per user (the same page): reads and writes of properties, 50,000 a day on a
 * consumer account; past it every call throws. `used` may be set by a test to stand for the
 * day's earlier runs.
 */
export class DailyQuota {
  readonly used = new Map<string, number>();
  readonly perDay: number;
  readonly message: string;

  constructor(perDay: number, message: string) {
    this.perDay = perDay;
    this.message = message;
  }

  spent(user: string): boolean {
    return (this.used.get(user) ?? 0) >= this.perDay;
  }

  add(user: string, amount: number): void {
    this.used.set(user, (this.used.get(user) ?? 0) + amount);
  }

  /** One use by the running execution's user; throws as Google does once the day's quota is spent. */
  use(runtime: Runtime): void {
    const user = runtime.execution().effectiveUser;
    if (this.spent(user)) throw runtime.realm.error(this.message);
    this.add(user, 1);
  }
}

export class FakeProperties implements Pick<P, 'getProperty' | 'getProperties' | 'getKeys' | 'setProperty' | 'setProperties' | 'deleteProperty' | 'deleteAllProperties'> {
  readonly map = new Map<string, string>();
  /** Calls made, for tests that care about the per-run cost. */
  calls = 0;

  private readonly _runtime: Runtime;
  private readonly _quota: DailyQuota;

  constructor(_runtime: Runtime, _quota: DailyQuota) {
    this._runtime = _runtime;
    this._quota = _quota;
  }

  private _touch(): void {
    this._runtime.require('PropertiesService', null, 'document');
    this._quota.use(this._runtime);
    this.calls++;
  }

  private _read(entries: Iterable<[string, string]>): void {
    const execution = this._runtime.current;
    if (execution) for (const [key, value] of entries) execution.propertyBytesRead += Buffer.byteLength(key) + Buffer.byteLength(value);
  }

  private _written(entries: Iterable<[string, string]>): void {
    const execution = this._runtime.current;
    if (execution) for (const [key, value] of entries) execution.propertyBytesWritten += Buffer.byteLength(key) + Buffer.byteLength(value);
  }

  bytes(map: Map<string, string> = this.map): number {
    let total = 0;
    for (const [key, value] of map) total += Buffer.byteLength(key) + Buffer.byteLength(value);
    return total;
  }

  private _commit(next: Map<string, string>): void {
    for (const value of next.values()) {
      if (Buffer.byteLength(value) > PROPERTY_VALUE_BYTES) throw this._runtime.realm.error('Argument too large: value');
    }
    if (this.bytes(next) > PROPERTY_STORE_BYTES) {
      throw this._runtime.realm.error('You have exceeded the property storage quota. Please remove some properties and try again.');
    }
    this.map.clear();
    for (const [key, value] of next) this.map.set(key, value);
  }

  getProperty(key: string): string | null {
    this._touch();
    const value = this.map.get(key);
    if (value !== undefined) this._read([[key, value]]);
    return value ?? null;
  }
  getProperties(): { [key: string]: string } {
    this._touch();
    this._read(this.map);
    return Object.fromEntries(this.map);
  }
  getKeys(): string[] {
    this._touch();
    return [...this.map.keys()];
  }
  setProperty(key: string, value: string): P {
    this._touch();
    this._commit(new Map(this.map).set(key, String(value)));
    this._written([[key, String(value)]]);
    return this as unknown as P;
  }
  setProperties(properties: { [key: string]: string }, deleteAllOthers = false): P {
    this._touch();
    const next = deleteAllOthers ? new Map<string, string>() : new Map(this.map);
    for (const [key, value] of Object.entries(properties)) next.set(key, String(value));
    this._commit(next);
    this._written(Object.entries(properties).map(([key, value]) => [key, String(value)]));
    return this as unknown as P;
  }
  deleteProperty(key: string): P {
    this._touch();
    this.map.delete(key);
    return this as unknown as P;
  }
  deleteAllProperties(): P {
    this._touch();
    this.map.clear();
    return this as unknown as P;
  }
}

export class FakePropertiesService implements Pick<GoogleAppsScript.Properties.PropertiesService, 'getDocumentProperties' | 'getScriptProperties' | 'getUserProperties'> {
  readonly document: FakeProperties;
  readonly script: FakeProperties;
  readonly quota = new DailyQuota(50_000, 'Service invoked too many times for one day: properties.');
  private readonly _users = new Map<string, FakeProperties>();

  private readonly _runtime: Runtime;

  constructor(_runtime: Runtime) {
    this._runtime = _runtime;

    this.document = new FakeProperties(_runtime, this.quota);
    this.script = new FakeProperties(_runtime, this.quota);
  }
  /** Null without a document, as documented ("null if the script is not an add-on or bound to a container"). */
  getDocumentProperties(): P {
    return (this._runtime.execution().document ? this.document : null) as unknown as P;
  }
  getScriptProperties(): P {
    return this.script as unknown as P;
  }
  getUserProperties(): P {
    const user = this._runtime.execution().effectiveUser;
    if (!this._users.has(user)) this._users.set(user, new FakeProperties(this._runtime, this.quota));
    return this._users.get(user) as unknown as P;
  }
}

/**
 * One lock scope (document, script or user): held by at most one execution at a time. The
 * harness runs one execution at a time, so another execution "holds" a lock by `hold`, for a
 * time after which it would have released it: a waiter gets the lock if that comes within its
 * timeout, and otherwise waits the whole timeout and fails (Lock.tryLock: "attempts to acquire
 * the lock, timing out after the provided number of milliseconds"). Waiting is virtual time,
 * counted in the waiter's execution.
 */
export class LockScope {
  holder: Execution | null = null;
  /** ms the holder still keeps the lock (Infinity: beyond any wait). */
  heldForMs = Infinity;

  hold(execution: Execution, forMs = Infinity): void {
    this.holder = execution;
    this.heldForMs = forMs;
  }
}

class FakeLock implements Pick<GoogleAppsScript.Lock.Lock, 'tryLock' | 'waitLock' | 'releaseLock' | 'hasLock'> {
  private readonly _runtime: Runtime;
  private readonly _scope: LockScope;
  private readonly _execution: Execution;

  constructor(_runtime: Runtime, _scope: LockScope, _execution: Execution) {
    this._runtime = _runtime;
    this._scope = _scope;
    this._execution = _execution;
  }

  tryLock(timeoutInMillis: number): boolean {
    const scope = this._scope;
    if (scope.holder && scope.holder !== this._execution) {
      if (scope.heldForMs > timeoutInMillis) {
        this._execution.waitedMs += timeoutInMillis;
        this._execution.elapsedMs += timeoutInMillis;
        return false;
      }
      this._execution.waitedMs += scope.heldForMs;
      this._execution.elapsedMs += scope.heldForMs;
    }
    scope.hold(this._execution);
    return true;
  }
  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis)) throw this._runtime.realm.error('Lock timeout: another process was holding the lock for too long.');
  }
  releaseLock(): void {
    if (this._scope.holder === this._execution) this._scope.holder = null;
  }
  hasLock(): boolean {
    return this._scope.holder === this._execution;
  }
}

export class FakeLockService implements Pick<GoogleAppsScript.Lock.LockService, 'getDocumentLock' | 'getScriptLock' | 'getUserLock'> {
  readonly document = new LockScope();
  readonly script = new LockScope();

  private readonly _runtime: Runtime;

  constructor(_runtime: Runtime) {
    this._runtime = _runtime;
  }

  /** Null outside a document (LockService.getDocumentLock: "null if called from a standalone script"). */
  getDocumentLock(): GoogleAppsScript.Lock.Lock {
    const execution = this._runtime.execution();
    return (execution.document ? new FakeLock(this._runtime, this.document, execution) : null) as unknown as GoogleAppsScript.Lock.Lock;
  }
  getScriptLock(): GoogleAppsScript.Lock.Lock {
    return new FakeLock(this._runtime, this.script, this._runtime.execution()) as unknown as GoogleAppsScript.Lock.Lock;
  }
  getUserLock(): GoogleAppsScript.Lock.Lock {
    return this.getScriptLock();
  }

  /** Apps Script frees an execution's locks when it ends. */
  releaseAll(execution: Execution): void {
    for (const scope of [this.document, this.script]) if (scope.holder === execution) scope.holder = null;
  }
}

class FakeCache implements Pick<GoogleAppsScript.Cache.Cache, 'get' | 'getAll' | 'put' | 'putAll' | 'remove' | 'removeAll'> {
  private readonly _entries = new Map<string, { value: string; expires: number }>();

  private readonly _runtime: Runtime;

  constructor(_runtime: Runtime) {
    this._runtime = _runtime;
  }

  private _check(key: string, value?: string): void {
    if (key.length > 250) throw this._runtime.realm.error('Argument too large: key');
    if (value !== undefined && Buffer.byteLength(value) > 100 * 1024) throw this._runtime.realm.error('Argument too large: value');
  }
  get(key: string): string | null {
    const entry = this._entries.get(key);
    if (!entry || entry.expires <= Date.now()) return null;
    return entry.value;
  }
  getAll(keys: string[]): { [key: string]: string } {
    const found: { [key: string]: string } = {};
    for (const key of keys) {
      const value = this.get(key);
      if (value !== null) found[key] = value;
    }
    return found;
  }
  put(key: string, value: string, expirationInSeconds = 600): void {
    this._check(key, value);
    this._entries.set(key, { value: String(value), expires: Date.now() + Math.min(expirationInSeconds, 21_600) * 1000 });
  }
  putAll(values: { [key: string]: string }, expirationInSeconds = 600): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value, expirationInSeconds);
  }
  remove(key: string): void {
    this._entries.delete(key);
  }
  removeAll(keys: string[]): void {
    for (const key of keys) this._entries.delete(key);
  }
}

export class FakeCacheService implements Pick<GoogleAppsScript.Cache.CacheService, 'getDocumentCache' | 'getScriptCache' | 'getUserCache'> {
  private readonly _document: FakeCache;
  private readonly _script: FakeCache;
  private readonly _users = new Map<string, FakeCache>();

  private readonly _runtime: Runtime;

  constructor(_runtime: Runtime) {
    this._runtime = _runtime;

    this._document = new FakeCache(_runtime);
    this._script = new FakeCache(_runtime);
  }
  getDocumentCache(): GoogleAppsScript.Cache.Cache {
    return (this._runtime.execution().document ? this._document : null) as unknown as GoogleAppsScript.Cache.Cache;
  }
  getScriptCache(): GoogleAppsScript.Cache.Cache {
    return this._script as unknown as GoogleAppsScript.Cache.Cache;
  }
  getUserCache(): GoogleAppsScript.Cache.Cache {
    const user = this._runtime.execution().effectiveUser;
    if (!this._users.has(user)) this._users.set(user, new FakeCache(this._runtime));
    return this._users.get(user) as unknown as GoogleAppsScript.Cache.Cache;
  }
}

class FakeUser implements Pick<GoogleAppsScript.Base.User, 'getEmail'> {
  private readonly _runtime: Runtime;
  private readonly _email: string;

  constructor(_runtime: Runtime, _email: string) {
    this._runtime = _runtime;
    this._email = _email;
  }
  getEmail(): string {
    this._runtime.require('User.getEmail', Scope.email);
    return this._email;
  }
}

export class FakeSession implements Pick<GoogleAppsScript.Base.Session, 'getActiveUser' | 'getEffectiveUser' | 'getScriptTimeZone' | 'getActiveUserLocale' | 'getTemporaryActiveUserKey'> {
  private readonly _runtime: Runtime;
  private readonly _timeZone: string;

  constructor(_runtime: Runtime, _timeZone: string) {
    this._runtime = _runtime;
    this._timeZone = _timeZone;
  }
  getActiveUser(): GoogleAppsScript.Base.User {
    return new FakeUser(this._runtime, this._runtime.execution().activeUser) as unknown as GoogleAppsScript.Base.User;
  }
  getEffectiveUser(): GoogleAppsScript.Base.User {
    return new FakeUser(this._runtime, this._runtime.execution().effectiveUser) as unknown as GoogleAppsScript.Base.User;
  }
  getScriptTimeZone(): string {
    return this._timeZone;
  }
  getActiveUserLocale(): string {
    return 'en';
  }
  getTemporaryActiveUserKey(): string {
    return Buffer.from(this._runtime.execution().activeUser).toString('base64url');
  }
}

export class FakeUtilities implements Pick<GoogleAppsScript.Utilities.Utilities, 'formatDate' | 'getUuid' | 'sleep'> {
  /** The SimpleDateFormat letters the add-on may use: yyyy MM dd HH mm ss. */
  formatDate(date: GoogleAppsScript.Base.Date, timeZone: string, format: string): string {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
        .formatToParts(date as unknown as Date)
        .map((p) => [p.type, p.value]),
    );
    return format.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => ({ yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute, ss: parts.second })[token]!);
  }
  getUuid(): string {
    return randomUUID();
  }
  sleep(milliseconds: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
  }
}
