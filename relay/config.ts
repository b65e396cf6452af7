// Configuration is read from the environment once, at start. One bad variable fails the start
// with one line naming it (SPEC.md, "Configuration").
import { Limits } from '../protocol/wire.ts';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataPath: string;
  /** Postgres instead of the embedded store: what lets several instances share docs. */
  databaseUrl: string | undefined;
  /** Redis pub/sub between instances instead of the in-process bus. */
  redisUrl: string | undefined;
  adminToken: string | undefined;
  secretKey: Buffer | undefined;
  googleClientIds: string[];
  googleClientSecret: string | undefined;
  /** Base URL that replaces Google's hosts (the project's emulator), keeping Google's paths. */
  googleBase: string | undefined;
  google: {
    /** Drive notifications within this window are read from the Sheets API once. */
    syncDebounceMs: number;
    /** Lifetime asked of Drive for a channel (Drive grants at most a day for a file). */
    channelTtlMs: number;
    /** A channel is replaced this long before it expires. */
    channelRenewMs: number;
    /** How often channels are checked for renewal. */
    channelCheckMs: number;
    /** How long a viewer's sign-in lasts. */
    sessionTtlMs: number;
    /** Browser API key and Cloud project number for the Google Picker on the publish page. */
    pickerApiKey: string | undefined;
    projectNumber: string | undefined;
  };
  demo: boolean;
  logLevel: string;
  /** Behind nginx or another proxy: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  limits: {
    cellsPerRequest: number;
    cellsPerDoc: number;
    bodyBytes: number;
    charsPerCell: number;
  };
  /** Deltas kept per doc for resume; older viewers get a snapshot. */
  historyLimit: number;
  /** Batch ids remembered per doc for idempotent retries. */
  batchIdLimit: number;
  /** A viewer whose unsent bytes exceed this is closed with 4408. */
  maxBufferedBytes: number;
  maxViewersPerDoc: number;
  maxConnectionsPerIp: number;
  pingIntervalMs: number;
  presenceIntervalMs: number;
  /** `npm run bench`: serve process figures on a loopback-only `/debug/stats`. */
  bench: boolean;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function url(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function serviceUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw);
  } catch {
    // reported below
  }
  if (!parsed || !protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must be a ${protocols.map((p) => `${p}//…`).join(' or ')} URL`);
  }
  return raw;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1 or 0, got "${raw}"`);
}

function secretKey(env: Env): Buffer | undefined {
  const raw = text(env, 'SHEETCAST_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('SHEETCAST_SECRET_KEY', `must be 32 bytes in base64 (openssl rand -base64 32), got ${key.length} bytes`);
  }
  return key;
}

function projectNumber(env: Env): string | undefined {
  const raw = text(env, 'GOOGLE_CLOUD_PROJECT_NUMBER');
  if (raw !== undefined && !/^[0-9]{6,20}$/.test(raw)) throw new ConfigError('GOOGLE_CLOUD_PROJECT_NUMBER', `must be the project's number (digits), got "${raw}"`);
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env): string {
  const level = text(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65_535);
  const adminToken = text(env, 'SHEETCAST_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 24) {
    throw new ConfigError('SHEETCAST_ADMIN_TOKEN', 'must be at least 24 characters (openssl rand -base64 32)');
  }
  const googleClientIds = (text(env, 'GOOGLE_CLIENT_IDS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const googleClientSecret = text(env, 'GOOGLE_CLIENT_SECRET');
  const key = secretKey(env);
  // The OAuth code flow stores tokens and signs sessions: without the key it cannot run safely.
  if (googleClientSecret !== undefined && key === undefined) {
    throw new ConfigError('SHEETCAST_SECRET_KEY', 'is required with GOOGLE_CLIENT_SECRET (it encrypts Google tokens and signs sessions): openssl rand -base64 32');
  }
  if (googleClientSecret !== undefined && googleClientIds.length === 0) {
    throw new ConfigError('GOOGLE_CLIENT_IDS', 'must name the OAuth web client (first) when GOOGLE_CLIENT_SECRET is set');
  }
  const channelTtlMs = integer(env, 'SHEETCAST_DRIVE_CHANNEL_TTL_MS', 24 * 3_600_000, 60_000, 7 * 24 * 3_600_000);
  const channelRenewMs = integer(env, 'SHEETCAST_DRIVE_CHANNEL_RENEW_MS', 3_600_000, 1_000, 7 * 24 * 3_600_000);
  if (channelRenewMs >= channelTtlMs) {
    throw new ConfigError('SHEETCAST_DRIVE_CHANNEL_RENEW_MS', `must be shorter than SHEETCAST_DRIVE_CHANNEL_TTL_MS (${channelTtlMs})`);
  }
  // With no way to publish configured, `npm start` shows the demo so a new user sees it work.
  const demo = flag(env, 'SHEETCAST_DEMO') ?? (adminToken === undefined && googleClientIds.length === 0);

  return {
    port,
    host: text(env, 'HOST') ?? '127.0.0.1',
    publicUrl: url(env, 'PUBLIC_URL') ?? `http://localhost:${port}`,
    dataPath: text(env, 'SHEETCAST_DATA') ?? './data/sheetcast.db',
    databaseUrl: serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    adminToken,
    secretKey: key,
    googleClientIds,
    googleClientSecret,
    googleBase: url(env, 'SHEETCAST_GOOGLE_BASE'),
    google: {
      syncDebounceMs: integer(env, 'SHEETCAST_SYNC_DEBOUNCE_MS', 5_000, 0, 3_600_000),
      channelTtlMs,
      channelRenewMs,
      channelCheckMs: integer(env, 'SHEETCAST_DRIVE_CHANNEL_CHECK_MS', 300_000, 1_000, 3_600_000),
      sessionTtlMs: integer(env, 'SHEETCAST_SESSION_HOURS', 24, 1, 24 * 90) * 3_600_000,
      pickerApiKey: text(env, 'GOOGLE_PICKER_API_KEY'),
      projectNumber: projectNumber(env),
    },
    demo,
    logLevel: logLevel(env),
    trustProxy: flag(env, 'SHEETCAST_TRUST_PROXY') ?? false,
    limits: {
      cellsPerRequest: integer(env, 'SHEETCAST_MAX_CELLS_PER_REQUEST', Limits.cellsPerRequest, 1, 10_000_000),
      cellsPerDoc: integer(env, 'SHEETCAST_MAX_CELLS_PER_DOC', Limits.cellsPerDoc, 1, 10_000_000),
      bodyBytes: integer(env, 'SHEETCAST_MAX_BODY_BYTES', Limits.bodyBytes, 1024, 1024 * 1024 * 1024),
      charsPerCell: integer(env, 'SHEETCAST_MAX_CELL_CHARS', Limits.charsPerCell, 1, 1_000_000),
    },
    historyLimit: integer(env, 'SHEETCAST_HISTORY', 1000, 0, 1_000_000),
    batchIdLimit: integer(env, 'SHEETCAST_BATCH_IDS', 10_000, 1, 10_000_000),
    maxBufferedBytes: integer(env, 'SHEETCAST_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxViewersPerDoc: integer(env, 'SHEETCAST_MAX_VIEWERS_PER_DOC', 20_000, 1, 10_000_000),
    maxConnectionsPerIp: integer(env, 'SHEETCAST_MAX_CONNECTIONS_PER_IP', 1_000, 1, 10_000_000),
    pingIntervalMs: integer(env, 'SHEETCAST_PING_MS', 30_000, 100, 3_600_000),
    presenceIntervalMs: integer(env, 'SHEETCAST_PRESENCE_MS', 1_000, 50, 60_000),
    bench: flag(env, 'SHEETCAST_BENCH') ?? false,
  };
}
