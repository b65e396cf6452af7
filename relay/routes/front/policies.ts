// The relay's own privacy policy and terms, written from its configuration so that every sentence
// is true of this relay: what it stores, for how long, what it logs, which Google scopes it asks
// for. An operator who does more (keeps logs, adds analytics) replaces them with their own files.
import type { Config } from '../../config.ts';
import { DRIVE_FILE_SCOPE } from '../../google/clients.ts';

/** What the texts depend on, read from the configuration (and whether Google OAuth came up). */
export interface PolicyFacts {
  publicUrl: string;
  operator: Config['operator'];
  /** GOOGLE_CLIENT_IDS: the add-on publishes as a Google account (ID tokens). */
  addonPublishing: boolean;
  /** OAuth client, secret and key: viewers sign in, publishers connect spreadsheets. */
  googleOAuth: boolean;
  /** Anyone but the demo can publish (admin token or Google): allow lists can exist. */
  publishing: boolean;
  logLevel: string;
  redis: boolean;
  sentry: boolean;
  sessionHours: number;
  historyLimit: number;
  batchIdLimit: number;
}

export function policyFacts(config: Config, googleOAuth: boolean): PolicyFacts {
  const addonPublishing = config.googleClientIds.length > 0;
  return {
    publicUrl: config.publicUrl,
    operator: config.operator,
    addonPublishing,
    googleOAuth,
    publishing: addonPublishing || config.adminToken !== undefined,
    logLevel: config.logLevel,
    redis: config.redisUrl !== undefined,
    sentry: config.sentryDsn !== undefined,
    sessionHours: Math.round(config.google.sessionTtlMs / 3_600_000),
    historyLimit: config.historyLimit,
    batchIdLimit: config.batchIdLimit,
  };
}

/**
 * The scopes of the add-on's manifest (appsscript.json), each with what it is used for. A test
 * holds this table and the manifest equal.
 */
export const ADDON_SCOPES: Record<string, string> = {
  'https://www.googleapis.com/auth/spreadsheets.currentonly':
    'reads the displayed values of the ranges you publish, in the spreadsheet the add-on is open in, and nothing in any other file',
  'https://www.googleapis.com/auth/script.container.ui': "shows the add-on's menu and sidebar inside Google Sheets",
  'https://www.googleapis.com/auth/script.external_request': 'sends the published cells to this relay (and to no other address)',
  'https://www.googleapis.com/auth/script.scriptapp': 'installs the triggers that send each edit as it happens, and removes them when you stop publishing',
  openid: 'proves to this relay which Google account publishes, so that only that account can change or stop what it published',
  'https://www.googleapis.com/auth/userinfo.email': "lets the add-on's proof of identity carry the account's verified email; the relay keeps only the account id",
};

/** The scopes the relay itself asks for on Google's sign-in page (SIGN_IN_SCOPES, and DRIVE_FILE_SCOPE to connect). */
export const RELAY_SCOPES: Record<string, string> = {
  openid: 'identifies the account that signs in: a viewer of a private sheet, or a publisher who connects a spreadsheet',
  email: "the verified email that a private sheet's allow list is checked against, and that a connected publisher is shown as",
  [DRIVE_FILE_SCOPE]: 'reads only the spreadsheets a publisher picks or connects (never any other file), so that the relay can follow changes that fire no add-on trigger',
};

/** `name (contact)`, or words saying they were not given. */
function operatorLine({ publicUrl, operator }: PolicyFacts): string {
  const contact = operator.contact === undefined ? '' : operator.contact.includes('@') && !operator.contact.includes('/') ? ` <${operator.contact}>` : ` (<${operator.contact}>)`;
  if (operator.name === undefined) {
    return `This Sheetcast relay at <${publicUrl}> is run by an operator who has not published their name.${contact ? ` Contact:${contact}.` : ' There is no contact address for it.'}`;
  }
  return `This Sheetcast relay at <${publicUrl}> is run by **${escapeMarkdown(operator.name)}**${contact}, called "the operator" below.`;
}

/** The operator's name is theirs to choose: it is shown as text, never as Markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

function logsSection(facts: PolicyFacts): string {
  if (facts.logLevel === 'silent') return 'The relay writes no log at all.';
  const perRequest = ['info', 'debug', 'trace'].includes(facts.logLevel);
  const lines = perRequest
    ? 'For every request the relay writes log lines to its standard output (one as it arrives, one as it is answered): the time, the method, the path (share ids cut to their first four characters, sign-in codes removed), the client\'s IP address, the status and duration of the answer, and a request id. It never logs request headers, cookies or bodies.'
    : 'The relay writes no line per request: it logs only warnings and errors, with a request id, never the request\'s headers, cookies or body.';
  return `${lines} The relay keeps no copy of its log: how long these lines are kept depends only on where the operator sends its output.`;
}

function scopeTable(scopes: Record<string, string>): string {
  return ['| scope | what it is used for |', '|---|---|', ...Object.entries(scopes).map(([scope, use]) => `| \`${scope}\` | ${use} |`)].join('\n');
}

export function defaultPrivacy(facts: PolicyFacts): string {
  const stored = [
    `- **Published sheets.** For each published sheet: its title, the spreadsheet's id, the published ranges, who may view it, and the cells inside those ranges as the sheet displays them (with their formatting, where the add-on sends it). Nothing outside the published ranges is ever sent or stored. With them, the last ${facts.historyLimit} changes (so that a viewer who lost the connection can catch up) and the ids of the last ${facts.batchIdLimit} batches of edits (so that a retried batch is recognised). All of it is deleted when the publisher stops publishing${facts.redis ? '; the changes pass between this service\'s relays through Redis, which does not keep them' : ''}. Backups the operator takes of the database keep what it held then, until the operator deletes them.`,
    facts.addonPublishing
      ? '- **Who published.** The Google account id of the publisher (a number, not a name or an email), so that only that account can change or stop what it published. Sheets published with the operator\'s own admin token are owned by "admin".'
      : '- **Who published.** Sheets are published with the operator\'s own admin token (or are the built-in demo); no account of any person is stored.',
    '- **Keys.** Each sheet\'s ingest key (what lets the add-on send edits) is stored only as a SHA-256 hash.',
    ...(facts.publishing
      ? ['- **Allow lists.** For a private sheet, the email addresses and `@domains` its publisher allows to view it, until the publisher changes them or stops publishing.']
      : []),
    ...(facts.googleOAuth
      ? [
          `- **Viewers who sign in with Google.** To open a private sheet, a viewer signs in with Google. The relay then sets a signed cookie holding their Google account id and verified email for ${facts.sessionHours} hours, to check the sheet's allow list. The relay stores neither on its side.`,
          '- **Publishers who connect a spreadsheet.** Their email address, the scopes they granted, and Google\'s refresh and access tokens sealed with AES-256-GCM under the operator\'s secret key (never stored in the clear); and the Drive notification channels watching the connected spreadsheets (their secret tokens only as hashes). Disconnecting deletes the grant and revokes it at Google.',
        ]
      : []),
    `- **Nothing about viewers.** Opening a view stores nothing. While it is open, the relay counts the viewers of each sheet (a number, shown to the publisher). It counts each IP address's requests in one-minute windows, ${facts.redis ? 'in Redis,' : 'in its memory,'} to refuse floods; those counts expire after the minute.`,
  ];
  const google =
    facts.addonPublishing || facts.googleOAuth
      ? [
          '## Google user data',
          '',
          "Sheetcast's use and transfer to any other app of information received from Google APIs will adhere to the [Google API Services User Data Policy](https://developers.google.com/terms/api-services-user-data-policy), including the Limited Use requirements. That information is used only to publish what you choose and to admit the viewers you allow: it is never sold, never used for advertising, never used to train AI models, and no person reads it unless you ask for help, it is needed for security, or the law requires it.",
          '',
          ...(facts.addonPublishing ? ['The Sheetcast add-on for Google Sheets asks for these scopes:', '', scopeTable(ADDON_SCOPES), ''] : []),
          ...(facts.googleOAuth ? ['This relay asks for these scopes when you sign in or connect a spreadsheet:', '', scopeTable(RELAY_SCOPES), ''] : []),
        ]
      : [];
  return [
    '# Privacy policy',
    '',
    operatorLine(facts),
    '',
    '## What this relay stores',
    '',
    ...stored,
    '',
    '## Logs and error reports',
    '',
    logsSection(facts),
    ...(facts.sentry
      ? ['', 'Server errors are reported to the operator\'s error tracker (Sentry) with the request id, the sheet\'s id and the route, and nothing of the request: no headers, cookies or body.']
      : []),
    '',
    '## Cookies',
    '',
    facts.googleOAuth
      ? 'Only the sign-in cookie above, and a short-lived one that protects the sign-in itself. Public views set no cookie. There are no analytics, advertising or tracking scripts.'
      : 'None. There are no analytics, advertising or tracking scripts.',
    '',
    ...google,
    '## Removing your data',
    '',
    `Stop publishing (in the add-on's sidebar, or its menu) and the relay deletes the sheet's cells, history and keys at once, and closes every open view.${facts.googleOAuth ? ' Disconnecting your Google account deletes its stored grant and revokes it at Google.' : ''}${facts.operator.contact ? ` For anything else, write to the operator at <${facts.operator.contact}>.` : ''}`,
    '',
  ].join('\n');
}

export function defaultTerms(facts: PolicyFacts): string {
  return [
    '# Terms of service',
    '',
    operatorLine(facts),
    '',
    '## The service',
    '',
    'Sheetcast publishes the ranges of a Google Sheet that you choose to a web page that updates as the sheet changes. Anyone who has the link of a sheet shared by link can see it; a private sheet is shown only to the email addresses and domains you allow' +
      (facts.googleOAuth ? ', after they sign in with Google.' : '.'),
    '',
    '## Your part',
    '',
    '- Publish only what you have the right to make public, and nothing unlawful.',
    '- Do not try to reach sheets you were not given, to overload the relay, or to get around its limits.',
    '- You stay the owner of what you publish. You let the operator store it and show it to the viewers you chose, for as long as you publish it.',
    '',
    "## The operator's part",
    '',
    '- The service is given as it is, without warranty: it may be interrupted, limited or ended. The operator may stop publishing a sheet that breaks these terms.',
    '- What the relay stores and for how long is in the [privacy policy](/privacy).',
    '',
  ].join('\n');
}
