// Configuration is read from the environment once, at start, through one table of every
// variable: a start with bad variables fails once, naming each of them (SPEC.md, "Configuration").
import { Limits } from '../protocol/wire.ts';
import {
  base64Key,
  checked,
  ConfigError,
  flag,
  httpUrl,
  Invalid,
  list,
  oneOf,
  proxies,
  serviceUrl,
  text,
  whole,
  type ConfigProblem,
  type Env,
  type Variable,
} from './config-readers.ts';
import { OPERATOR_VARIABLES, operatorConfig, type OperatorConfig } from './config-operator.ts';
import { WEBHOOK_VARIABLES, webhookConfig, type WebhookConfig } from './config-webhooks.ts';

export interface Config extends OperatorConfig {
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
  /** Sentry's DSN: 5xx answers and unhandled errors are reported there. */
  sentryDsn: string | undefined;
  /**
   * Which proxies' X-Forwarded-For to believe: how many hops in front of the relay (0: none), or
   * their addresses. Never every hop: a client could then pick the address limits and logs see.
   */
  trustProxy: number | string[];
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
  viewerFramesPerMinute: number;
  /** Docs one publisher may have published at once. */
  docsPerPublisher: number;
  /** A request's headers and body must arrive within this, or it is answered 408 and closed. */
  requestTimeoutMs: number;
  /** Sockets (HTTP and live) the relay holds at once; more are dropped at accept. */
  maxConnections: number;
  rates: {
    /** Requests one client address may make a minute (socket upgrades included). */
    requestsPerMinute: number;
    /** Edits and snapshot requests one doc may take a minute. */
    ingestPerDocPerMinute: number;
    /** Body bytes of edits and snapshot requests one doc may take a minute, per ingest key. */
    ingestBytesPerDocPerMinute: number;
  };
  /** UTF-8 bytes of cell values one doc may hold. */
  docBytes: number;
  /** Distinct snapshot reads (store reads and serialization) one relay runs at once; more wait for 503. */
  snapshotReads: number;
  pingIntervalMs: number;
  presenceIntervalMs: number;
  /** `npm run bench`: serve process figures on a loopback-only `/debug/stats`. */
  bench: boolean;
  webhooks: WebhookConfig;
}

export { ConfigError, type ConfigProblem };

const HOUR = 3_600_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Every variable the relay reads (README's table and .env.example list the same, with the same
 * defaults). An `undefined` fallback means unset, or a default derived from other variables.
 */
export const VARIABLES = {
  PORT: whole(8080, 0, 65_535),
  HOST: text('127.0.0.1'),
  PUBLIC_URL: httpUrl(),
  SHEETCAST_DATA: text('./data/sheetcast.db'),
  DATABASE_URL: serviceUrl(['postgres:', 'postgresql:']),
  REDIS_URL: serviceUrl(['redis:', 'rediss:']),
  SHEETCAST_ADMIN_TOKEN: checked((raw) => raw.length >= 24, () => 'must be at least 24 characters (openssl rand -base64 32)'),
  GOOGLE_CLIENT_IDS: list(),
  GOOGLE_CLIENT_SECRET: text(undefined),
  SHEETCAST_SECRET_KEY: base64Key(32),
  SHEETCAST_GOOGLE_BASE: httpUrl(),
  GOOGLE_PICKER_API_KEY: text(undefined),
  GOOGLE_CLOUD_PROJECT_NUMBER: checked((raw) => /^[0-9]{6,20}$/.test(raw), (raw) => `must be the project's number (digits), got "${raw}"`),
  SHEETCAST_SESSION_HOURS: whole(24, 1, 24 * 90),
  SHEETCAST_SYNC_DEBOUNCE_MS: whole(5_000, 0, HOUR),
  SHEETCAST_DRIVE_CHANNEL_TTL_MS: whole(24 * HOUR, 60_000, 7 * 24 * HOUR),
  SHEETCAST_DRIVE_CHANNEL_RENEW_MS: whole(HOUR, 1_000, 7 * 24 * HOUR),
  SHEETCAST_DRIVE_CHANNEL_CHECK_MS: whole(300_000, 1_000, HOUR),
  SHEETCAST_DEMO: flag(undefined),
  SHEETCAST_TRUST_PROXY: proxies(),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  SENTRY_DSN: httpUrl(),
  SHEETCAST_MAX_CELLS_PER_REQUEST: whole(Limits.cellsPerRequest, 1, 10_000_000),
  SHEETCAST_MAX_CELLS_PER_DOC: whole(Limits.cellsPerDoc, 1, 10_000_000),
  SHEETCAST_MAX_BODY_BYTES: whole(Limits.bodyBytes, 1024, 1024 * 1024 * 1024),
  SHEETCAST_MAX_CELL_CHARS: whole(Limits.charsPerCell, 1, 1_000_000),
  SHEETCAST_HISTORY: whole(1000, 0, 1_000_000),
  SHEETCAST_BATCH_IDS: whole(10_000, 1, 10_000_000),
  SHEETCAST_MAX_BUFFERED_BYTES: whole(4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  SHEETCAST_MAX_VIEWERS_PER_DOC: whole(20_000, 1, 10_000_000),
  SHEETCAST_MAX_CONNECTIONS_PER_IP: whole(1_000, 1, 10_000_000),
  SHEETCAST_VIEWER_FRAMES_PER_MINUTE: whole(60, 1, 1_000_000),
  SHEETCAST_MAX_DOCS_PER_PUBLISHER: whole(1_000, 1, 10_000_000),
  SHEETCAST_REQUEST_TIMEOUT_MS: whole(30_000, 100, HOUR),
  SHEETCAST_MAX_CONNECTIONS: whole(50_000, 1, 10_000_000),
  SHEETCAST_RATE_PER_MINUTE: whole(6_000, 1, 1_000_000_000),
  SHEETCAST_INGEST_PER_MINUTE: whole(3_000, 1, 1_000_000_000),
  SHEETCAST_INGEST_BYTES_PER_MINUTE: whole(16 * 1024 * 1024, 1024, 1024 * 1024 * 1024 * 1024),
  SHEETCAST_DOC_BYTES: whole(64 * 1024 * 1024, 1024, 1024 * 1024 * 1024 * 1024),
  SHEETCAST_SNAPSHOT_READS: whole(4, 1, 10_000),
  SHEETCAST_PING_MS: whole(30_000, 100, HOUR),
  SHEETCAST_PRESENCE_MS: whole(1_000, 50, 60_000),
  SHEETCAST_BENCH: flag(false),
  ...OPERATOR_VARIABLES,
  ...WEBHOOK_VARIABLES,
};

type Name = keyof typeof VARIABLES;
type Values = { [K in Name]: (typeof VARIABLES)[K] extends Variable<infer T> ? T : never };

/** A rule between variables, checked only when each variable it names is valid on its own. */
interface Relation {
  variable: Name;
  uses: Name[];
  problem(values: Values): string | undefined;
}

const RELATIONS: Relation[] = [
  {
    // The OAuth code flow stores tokens and signs sessions: without the key it cannot run safely.
    variable: 'SHEETCAST_SECRET_KEY',
    uses: ['GOOGLE_CLIENT_SECRET'],
    problem: (v) =>
      v.GOOGLE_CLIENT_SECRET !== undefined && v.SHEETCAST_SECRET_KEY === undefined
        ? 'is required with GOOGLE_CLIENT_SECRET (it encrypts Google tokens and signs sessions): openssl rand -base64 32'
        : undefined,
  },
  {
    variable: 'GOOGLE_CLIENT_IDS',
    uses: ['GOOGLE_CLIENT_SECRET'],
    problem: (v) =>
      v.GOOGLE_CLIENT_SECRET !== undefined && (v.GOOGLE_CLIENT_IDS ?? []).length === 0
        ? 'must name the OAuth web client (first) when GOOGLE_CLIENT_SECRET is set'
        : undefined,
  },
  {
    // Otherwise a request the body limit allows could never pass the byte rate.
    variable: 'SHEETCAST_INGEST_BYTES_PER_MINUTE',
    uses: ['SHEETCAST_MAX_BODY_BYTES'],
    problem: (v) =>
      v.SHEETCAST_INGEST_BYTES_PER_MINUTE < v.SHEETCAST_MAX_BODY_BYTES
        ? `must be at least SHEETCAST_MAX_BODY_BYTES (${v.SHEETCAST_MAX_BODY_BYTES}), or a request of the largest size would never be taken`
        : undefined,
  },
  {
    variable: 'SHEETCAST_DRIVE_CHANNEL_RENEW_MS',
    uses: ['SHEETCAST_DRIVE_CHANNEL_TTL_MS'],
    problem: (v) =>
      v.SHEETCAST_DRIVE_CHANNEL_RENEW_MS >= v.SHEETCAST_DRIVE_CHANNEL_TTL_MS
        ? `must be shorter than SHEETCAST_DRIVE_CHANNEL_TTL_MS (${v.SHEETCAST_DRIVE_CHANNEL_TTL_MS})`
        : undefined,
  },
];

/** Every variable's value, and every problem: each variable's own, then those between them. */
function readVariables(env: Env): { values: Values; problems: ConfigProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, variable] of Object.entries(VARIABLES) as [Name, Variable<unknown>][]) {
    const raw = env[name]?.trim();
    values[name] = variable.fallback;
    if (raw === undefined || raw === '') continue;
    try {
      values[name] = variable.read(raw);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push({ variable: name, problem: error.message });
    }
  }
  const bad = new Set(problems.map((p) => p.variable));
  for (const relation of RELATIONS) {
    if ([relation.variable, ...relation.uses].some((name) => bad.has(name))) continue;
    const problem = relation.problem(values as Values);
    if (problem !== undefined) problems.push({ variable: relation.variable, problem });
  }
  return { values: values as Values, problems };
}

export function loadConfig(env: Env = process.env): Config {
  const { values: v, problems } = readVariables(env);
  const [first, ...others] = problems;
  if (first) throw new ConfigError(first.variable, first.problem, ...others);
  const googleClientIds = v.GOOGLE_CLIENT_IDS ?? [];
  return {
    port: v.PORT,
    host: v.HOST,
    publicUrl: v.PUBLIC_URL ?? `http://localhost:${v.PORT}`,
    dataPath: v.SHEETCAST_DATA,
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    adminToken: v.SHEETCAST_ADMIN_TOKEN,
    secretKey: v.SHEETCAST_SECRET_KEY,
    googleClientIds,
    googleClientSecret: v.GOOGLE_CLIENT_SECRET,
    googleBase: v.SHEETCAST_GOOGLE_BASE,
    google: {
      syncDebounceMs: v.SHEETCAST_SYNC_DEBOUNCE_MS,
      channelTtlMs: v.SHEETCAST_DRIVE_CHANNEL_TTL_MS,
      channelRenewMs: v.SHEETCAST_DRIVE_CHANNEL_RENEW_MS,
      channelCheckMs: v.SHEETCAST_DRIVE_CHANNEL_CHECK_MS,
      sessionTtlMs: v.SHEETCAST_SESSION_HOURS * HOUR,
      pickerApiKey: v.GOOGLE_PICKER_API_KEY,
      projectNumber: v.GOOGLE_CLOUD_PROJECT_NUMBER,
    },
    // With no way to publish configured, `npm start` shows the demo so a new user sees it work.
    demo: v.SHEETCAST_DEMO ?? (v.SHEETCAST_ADMIN_TOKEN === undefined && googleClientIds.length === 0),
    logLevel: v.LOG_LEVEL,
    sentryDsn: v.SENTRY_DSN,
    trustProxy: v.SHEETCAST_TRUST_PROXY,
    limits: {
      cellsPerRequest: v.SHEETCAST_MAX_CELLS_PER_REQUEST,
      cellsPerDoc: v.SHEETCAST_MAX_CELLS_PER_DOC,
      bodyBytes: v.SHEETCAST_MAX_BODY_BYTES,
      charsPerCell: v.SHEETCAST_MAX_CELL_CHARS,
    },
    historyLimit: v.SHEETCAST_HISTORY,
    batchIdLimit: v.SHEETCAST_BATCH_IDS,
    maxBufferedBytes: v.SHEETCAST_MAX_BUFFERED_BYTES,
    maxViewersPerDoc: v.SHEETCAST_MAX_VIEWERS_PER_DOC,
    maxConnectionsPerIp: v.SHEETCAST_MAX_CONNECTIONS_PER_IP,
    viewerFramesPerMinute: v.SHEETCAST_VIEWER_FRAMES_PER_MINUTE,
    docsPerPublisher: v.SHEETCAST_MAX_DOCS_PER_PUBLISHER,
    requestTimeoutMs: v.SHEETCAST_REQUEST_TIMEOUT_MS,
    maxConnections: v.SHEETCAST_MAX_CONNECTIONS,
    rates: {
      requestsPerMinute: v.SHEETCAST_RATE_PER_MINUTE,
      ingestPerDocPerMinute: v.SHEETCAST_INGEST_PER_MINUTE,
      ingestBytesPerDocPerMinute: v.SHEETCAST_INGEST_BYTES_PER_MINUTE,
    },
    docBytes: v.SHEETCAST_DOC_BYTES,
    snapshotReads: v.SHEETCAST_SNAPSHOT_READS,
    pingIntervalMs: v.SHEETCAST_PING_MS,
    presenceIntervalMs: v.SHEETCAST_PRESENCE_MS,
    bench: v.SHEETCAST_BENCH,
    ...operatorConfig(v),
    webhooks: webhookConfig(v),
  };
}
