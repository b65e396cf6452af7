// One Apps Script execution: who it runs as, in which AuthMode, what it fetched, which locks
// it holds (released when it ends, as Apps Script does), and the scopes its manifest grants.
import type { Realm } from './realm.ts';

export type AuthMode = 'NONE' | 'CUSTOM_FUNCTION' | 'LIMITED' | 'FULL';

export interface FetchRecord {
  url: string;
  method: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** The HTTP status, or null when the request got no answer. */
  status: number | null;
  error?: string;
  response?: string;
}

export interface Execution {
  /** The function Apps Script called. */
  handler: string;
  /** The account the script runs as (the trigger's owner, or the person using the sidebar). */
  effectiveUser: string;
  /** The person whose action caused the run. */
  activeUser: string;
  authMode: AuthMode;
  fetches: FetchRecord[];
  /** What the function threw, if anything (Apps Script records it as a failed execution). */
  error: unknown;
  /** console.error / console.warn lines. */
  logs: string[];
  result?: unknown;
  /**
   * Whether Google gave the execution an active document. Google documents none for a
   * time-driven add-on execution (LockService.getDocumentLock: "null if called from a
   * standalone script"), so the harness runs clock triggers both ways.
   */
  document: boolean;
  /** Calls into Apps Script services, by `Class.method` (each is a round trip inside Google). */
  calls: Record<string, number>;
  /** UTF-8 bytes of keys and values read from and written to PropertiesService. */
  propertyBytesRead: number;
  propertyBytesWritten: number;
  /** Time spent waiting for locks (virtual: the harness does not sleep). */
  waitedMs: number;
  /** Wall time of the run: real time plus the virtual waits and call times. */
  elapsedMs: number;
  /** Killed by Google at the 6-minute limit: nothing after that point ran, not even catch blocks' service calls. */
  killed: boolean;
  startedAt: number;
}

/** A fresh execution record (what Google's executions page lists for one run). */
export function newExecution(handler: string, effectiveUser: string, authMode: AuthMode, activeUser = effectiveUser, document = true): Execution {
  return {
    handler,
    effectiveUser,
    activeUser,
    authMode,
    fetches: [],
    error: undefined,
    logs: [],
    document,
    calls: {},
    propertyBytesRead: 0,
    propertyBytesWritten: 0,
    waitedMs: 0,
    elapsedMs: 0,
    killed: false,
    startedAt: performance.now(),
  };
}

/** Google's limit per execution (quotas: "Script runtime 6 min / execution"). */
export const EXECUTION_LIMIT_MS = 6 * 60_000;

/** The run's wall time so far: real time plus the virtual time the harness did not spend. */
export function elapsed(execution: Execution): number {
  return performance.now() - execution.startedAt + execution.elapsedMs;
}

/** Every service call of an execution, counted once. */
export function serviceCalls(execution: Execution): number {
  return Object.values(execution.calls).reduce((sum, n) => sum + n, 0);
}

/** What every fake service consults: the running execution, the manifest's scopes, the script's realm. */
export class Runtime {
  current: Execution | null = null;
  readonly executions: Execution[] = [];

  readonly realm: Realm;
  readonly scopes: readonly string[];

  constructor(realm: Realm, scopes: readonly string[]) {
    this.realm = realm;
    this.scopes = scopes;
  }

  execution(): Execution {
    if (!this.current) throw new Error('Apps Script services are only callable inside an execution');
    return this.current;
  }

  /**
   * Virtual time each service call takes: 0 by default; a test sets it to stand for a slow day
   * inside Google (a call is a round trip there), which is what brings a run to its 6 minutes.
   */
  callMs = 0;

  /**
   * Records one service call of the running execution (none outside one: the test's own setup).
   * Past 6 minutes Google kills the run: this call and every later one throws.
   */
  count(name: string): void {
    const execution = this.current;
    if (!execution) return;
    execution.calls[name] = (execution.calls[name] ?? 0) + 1;
    execution.elapsedMs += this.callMs;
    if (execution.killed || elapsed(execution) > EXECUTION_LIMIT_MS) {
      execution.killed = true;
      throw this.realm.error('Exceeded maximum execution time');
    }
  }

  /**
   * Throws as Apps Script does when a service is used without the authorization it needs:
   * nothing but menus in AuthMode.NONE; nothing needing full authorization in LIMITED; and
   * never a scope the manifest does not declare.
   */
  require(what: string, scope: string | readonly string[] | null, level: 'document' | 'full' = 'full'): void {
    const mode = this.execution().authMode;
    if (mode === 'NONE' || mode === 'CUSTOM_FUNCTION' || (mode === 'LIMITED' && level === 'full')) {
      throw this.realm.error(`You do not have permission to call ${what} in AuthMode.${mode}.`);
    }
    if (scope === null) return;
    const wanted = typeof scope === 'string' ? [scope] : scope;
    if (!wanted.some((s) => this.scopes.includes(s))) {
      throw this.realm.error(`Specified permissions are not sufficient to call ${what}. Required permissions: ${wanted.join(' or ')}`);
    }
  }
}

export const Scope = {
  spreadsheetsCurrent: 'https://www.googleapis.com/auth/spreadsheets.currentonly',
  spreadsheets: 'https://www.googleapis.com/auth/spreadsheets',
  containerUi: 'https://www.googleapis.com/auth/script.container.ui',
  externalRequest: 'https://www.googleapis.com/auth/script.external_request',
  scriptApp: 'https://www.googleapis.com/auth/script.scriptapp',
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
} as const;
