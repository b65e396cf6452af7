// The Apps Script harness itself: its fakes behave as Apps Script documents, so that what the
// add-on's tests prove through them holds in Google Sheets.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsScriptHarness, messageOf } from './apps-script/harness.ts';
import { PROPERTY_STORE_BYTES, PROPERTY_VALUE_BYTES } from './apps-script/services.ts';
import { newExecution } from './apps-script/execution.ts';
import { ALL_SCOPES, probe, probeHarness } from './apps-script/probe.ts';

// A small project whose functions hand the services to the test.
const CODE = `
function onOpen(e) { SpreadsheetApp.getUi().createMenu('Probe').addItem('Go', 'probe').addToUi(); }
function readProperties() { return PropertiesService.getDocumentProperties().getProperties(); }
function fetchUrl(url, mute) { var r = UrlFetchApp.fetch(url, { muteHttpExceptions: mute }); return r.getResponseCode() + ' ' + r.getContentText(); }
function holdLock() { return LockService.getDocumentLock().tryLock(1000); }
function saveAfterKill() { try { for (;;) SpreadsheetApp.getActiveSpreadsheet().getName(); } catch (e) { PropertiesService.getDocumentProperties().setProperty('saved', 'yes'); } }
function onEditProbe(e) { PropertiesService.getDocumentProperties().setProperty('edited', e.range.getA1Notation()); }
function private_() { return 'hidden'; }
var runs = 0;
function countRuns() { return ++runs; }
`;

let server: ChildProcess;
let serverUrl: string;

function harness(manifest: Record<string, unknown> = { oauthScopes: ALL_SCOPES }): AppsScriptHarness {
  return probeHarness(CODE, manifest);
}

beforeAll(async () => {
  // A server in another process: the fake UrlFetchApp blocks this thread while it waits.
  server = spawn(process.execPath, [
    '-e',
    `require('http').createServer((q, s) => { const m = /\\/status\\/(\\d+)/.exec(q.url); s.writeHead(m ? Number(m[1]) : 200); s.end('body of ' + q.url); })
      .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ]);
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(String(d).trim())));
  serverUrl = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  server?.kill();
});

describe('SpreadsheetApp', () => {
  it('shows display values as Sheets formats them', () => {
    const h = harness();
    const sheet = h.spreadsheet.sheet('Sheet1');
    sheet.getRange('A1:F1').setValues([[1 / 3, 42, true, '', 1234.5, 0.5]]);
    sheet.getRange('E1').setNumberFormat('#,##0.00');
    sheet.getRange('F1').setNumberFormat('0%');
    expect(sheet.getRange('A1:F1').getDisplayValues()).toEqual([['0.3333333333', '42', 'TRUE', '', '1,234.50', '50%']]);
    expect(sheet.getRange('B1').getValue()).toBe(42);
  });

  it('refuses ranges outside the sheet and data of the wrong shape', () => {
    const h = harness();
    const sheet = h.spreadsheet.sheet('Sheet1');
    expect(() => sheet.getRange(1001, 1)).toThrow('The coordinates of the range are outside the dimensions of the sheet.');
    expect(() => sheet.getRange('A1:B2').setValues([['x']])).toThrow(/number of rows in the data does not match/);
  });

  it('moves named ranges with rows inserted above, stretches them with rows inserted inside, and breaks them when their rows are deleted', () => {
    const h = harness();
    const sheet = h.spreadsheet.sheet('Sheet1');
    h.spreadsheet.setNamedRange('Scores', sheet.getRange('B2:C4'));
    sheet.insertRowsBefore(1, 2);
    expect(h.spreadsheet.getRangeByName('Scores')!.getA1Notation()).toBe('B4:C6');
    sheet.insertRowsAfter(4, 1);
    expect(h.spreadsheet.getRangeByName('Scores')!.getA1Notation()).toBe('B4:C7');
    sheet.insertRowsBefore(20, 5);
    sheet.insertColumnsBefore(1, 1);
    expect(h.spreadsheet.getRangeByName('Scores')!.getA1Notation()).toBe('C4:D7');
    sheet.deleteRows(3, 2);
    expect(h.spreadsheet.getRangeByName('Scores')!.getA1Notation()).toBe('C3:D5');
    sheet.deleteRows(1, 10);
    expect(h.spreadsheet.getRangeByName('Scores')).toBeNull();
    expect(() => h.spreadsheet.getNamedRanges()[0]!.getRange()).toThrow(/#REF!/);
  });

  it('keeps named ranges on a renamed sheet', () => {
    const h = harness();
    h.spreadsheet.setNamedRange('Total', h.spreadsheet.sheet('Sheet1').getRange('A1'));
    h.spreadsheet.sheet('Sheet1').setName('Totals');
    expect(h.spreadsheet.getRangeByName('Total')!.getSheet().getName()).toBe('Totals');
  });
});

describe('PropertiesService', () => {
  it(`refuses a value over ${PROPERTY_VALUE_BYTES / 1024} KB and a store over ${PROPERTY_STORE_BYTES / 1024} KB, writing nothing`, () => {
    const h = harness();
    const tooLong = probe(h, `PropertiesService.getDocumentProperties().setProperty('k', '${'x'.repeat(PROPERTY_VALUE_BYTES + 1)}')`);
    expect(messageOf(tooLong.error)).toBe('Argument too large: value');
    const fill = probe(h, `var p = {}; for (var i = 0; i < 60; i++) p['k' + i] = new Array(9000).join('x'); PropertiesService.getDocumentProperties().setProperties(p)`);
    expect(messageOf(fill.error)).toMatch(/exceeded the property storage quota/);
    expect(h.properties.document.map.size).toBe(0);
  });

  it('is shared by every user of the document', () => {
    const h = harness();
    probe(h, `PropertiesService.getDocumentProperties().setProperty('shared', 'yes')`, 'FULL', 'alice@example.com');
    expect(h.execute('readProperties', { effectiveUser: 'bob@example.com', authMode: 'FULL' }).result).toEqual({ shared: 'yes' });
  });
});

describe('LockService', () => {
  it('gives the document lock to one execution at a time and frees it when the execution ends', () => {
    const h = harness();
    const other = probe(h, '1');
    h.locks.document.holder = other;
    expect(h.execute('holdLock', { effectiveUser: 'alice@example.com', authMode: 'FULL' }).result).toBe(false);
    h.locks.document.holder = null;
    expect(h.execute('holdLock', { effectiveUser: 'alice@example.com', authMode: 'FULL' }).result).toBe(true);
    expect(h.locks.document.holder).toBeNull();
  });
});

describe('LockService waits', () => {
  it('gets a lock that another execution frees within the timeout, after waiting for it, and times out otherwise', () => {
    const h = harness();
    h.locks.document.hold(newExecution('other', 'bob@example.com', 'FULL'), 2_000);
    const late = h.execute('probe', { effectiveUser: 'alice@example.com', authMode: 'FULL' }, 'LockService.getDocumentLock().tryLock(1000)');
    expect(late.result).toBe(false);
    expect(late.waitedMs).toBe(1_000);
    const patient = h.execute('probe', { effectiveUser: 'alice@example.com', authMode: 'FULL' }, 'LockService.getDocumentLock().tryLock(5000)');
    expect(patient.result).toBe(true);
    expect(patient.waitedMs).toBe(2_000);
  });

  it('has no document lock, no document properties and no active spreadsheet in an execution without a document', () => {
    const h = harness();
    const run = h.execute('probe', { effectiveUser: 'alice@example.com', authMode: 'FULL', document: false }, '[LockService.getDocumentLock(), PropertiesService.getDocumentProperties(), SpreadsheetApp.getActiveSpreadsheet()]');
    expect(run.result).toEqual([null, null, null]);
  });
});

describe('ScriptApp', () => {
  it('lets an add-on hold one trigger of each type per user per document', () => {
    const h = harness();
    const edit = `ScriptApp.newTrigger('probe').forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet()).onEdit().create()`;
    expect(probe(h, edit).error).toBeUndefined();
    expect(messageOf(probe(h, edit).error)).toMatch(/too many edit triggers in this document/);
    expect(probe(h, edit, 'FULL', 'bob@example.com').error).toBeUndefined();
    expect(h.triggers().map((t) => t.user)).toEqual(['alice@example.com', 'bob@example.com']);
  });

  it('refuses time-driven triggers more often than hourly', () => {
    const h = harness();
    expect(messageOf(probe(h, `ScriptApp.newTrigger('probe').timeBased().everyMinutes(10).create()`).error)).toMatch(/more often than once an hour/);
    expect(probe(h, `ScriptApp.newTrigger('probe').timeBased().everyHours(1).create()`).error).toBeUndefined();
  });

  it('runs installable edit triggers for every editor, as the user who created them', () => {
    const h = harness();
    probe(h, `ScriptApp.newTrigger('probe').forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet()).onEdit().create()`);
    const [run] = h.edit('carol@example.com', 'Sheet1', 'A1', 'x');
    expect(run!.effectiveUser).toBe('alice@example.com');
    expect(run!.activeUser).toBe('carol@example.com');
  });
});

describe('authorization', () => {
  it('allows only menus in AuthMode.NONE', () => {
    const h = harness();
    expect(h.open('alice@example.com', 'NONE').error).toBeUndefined();
    expect(h.ui.menus).toHaveLength(1);
    expect(messageOf(probe(h, 'PropertiesService.getDocumentProperties().getProperties()', 'NONE').error)).toMatch(/permission.*AuthMode.NONE/);
    expect(messageOf(probe(h, 'SpreadsheetApp.getActiveSpreadsheet()', 'NONE').error)).toMatch(/permission/);
  });

  it('allows no fetch and no trigger in AuthMode.LIMITED', () => {
    const h = harness({ oauthScopes: ALL_SCOPES, urlFetchWhitelist: [`${serverUrl}/`] });
    expect(messageOf(h.execute('fetchUrl', { effectiveUser: 'a@x.com', authMode: 'LIMITED' }, `${serverUrl}/`, true).error)).toMatch(/AuthMode.LIMITED/);
    expect(messageOf(probe(h, 'ScriptApp.getUserTriggers(SpreadsheetApp.getActiveSpreadsheet())', 'LIMITED').error)).toMatch(/AuthMode.LIMITED/);
  });

  it("refuses what the manifest's scopes do not cover", () => {
    const h = harness({ oauthScopes: ALL_SCOPES.filter((s) => !s.endsWith('script.external_request') && s !== 'openid') });
    expect(messageOf(h.execute('fetchUrl', { effectiveUser: 'a@x.com', authMode: 'FULL' }, `${serverUrl}/`, true).error)).toMatch(/not sufficient.*external_request/);
    expect(messageOf(probe(h, 'ScriptApp.getIdentityToken()').error)).toMatch(/not sufficient.*openid/);
  });
});

describe('UrlFetchApp', () => {
  it('fetches synchronously, throwing on HTTP errors unless muted and on no answer always', () => {
    const h = harness({ oauthScopes: ALL_SCOPES, urlFetchWhitelist: [`${serverUrl}/`, 'http://127.0.0.1:1/'] });
    const as = { effectiveUser: 'a@x.com', authMode: 'FULL' as const };
    expect(h.execute('fetchUrl', as, `${serverUrl}/hello`, false).result).toBe('200 body of /hello');
    expect(h.execute('fetchUrl', as, `${serverUrl}/status/503`, true).result).toBe('503 body of /status/503');
    expect(messageOf(h.execute('fetchUrl', as, `${serverUrl}/status/503`, false).error)).toMatch(/returned code 503/);
    expect(messageOf(h.execute('fetchUrl', as, 'http://127.0.0.1:1/', true).error)).toMatch(/Address unavailable/);
  });

  it('fetches only URLs under the urlFetchWhitelist', () => {
    const h = harness({ oauthScopes: ALL_SCOPES, urlFetchWhitelist: ['https://relay.example.com/'] });
    expect(messageOf(h.execute('fetchUrl', { effectiveUser: 'a@x.com', authMode: 'FULL' }, `${serverUrl}/`, true).error)).toMatch(/urlFetchWhitelist/);
  });
});

describe('executions', () => {
  it('each start from the script afresh: nothing a previous run kept in a global survives', () => {
    const h = harness();
    const as = { effectiveUser: 'alice@example.com', authMode: 'FULL' as const };
    expect([h.execute('countRuns', as).result, h.execute('countRuns', as).result]).toEqual([1, 1]);
  });
});

describe('limits', () => {
  const as = { effectiveUser: 'alice@example.com', authMode: 'FULL' as const };

  it('kills an execution at 6 minutes: the call that passes them throws, and so does every later one, in catch blocks too', () => {
    const h = harness();
    h.runtime.callMs = 1_000;
    const run = h.execute('saveAfterKill', as);
    expect(run.killed).toBe(true);
    expect(messageOf(run.error)).toBe('Exceeded maximum execution time');
    expect(run.elapsedMs).toBeGreaterThan(6 * 60_000);
    expect(h.properties.document.map.get('saved')).toBeUndefined();
  });

  it("runs none of a user's triggers once their day of trigger runtime is spent", () => {
    const h = harness();
    probe(h, `ScriptApp.newTrigger('onEditProbe').forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet()).onEdit().create()`);
    const [first] = h.edit('bob@example.com', 'Sheet1', 'A1', 'x');
    expect(first!.error).toBeUndefined();
    expect(h.triggerTime.used.get('alice@example.com')).toBeGreaterThan(0);
    h.triggerTime.used.set('alice@example.com', 90 * 60_000);
    const [refused] = h.edit('bob@example.com', 'Sheet1', 'A2', 'y');
    expect(messageOf(refused!.error)).toBe('Service using too much computer time for one day');
    expect(h.properties.document.map.get('edited')).toBe('A1');
  });

  it('refuses a 31st simultaneous execution of a user', () => {
    const h = harness();
    h.running.set('alice@example.com', 30);
    expect(messageOf(probe(h, '1').error)).toMatch(/too many scripts running simultaneously/);
    expect(probe(h, '1', 'FULL', 'bob@example.com').error).toBeUndefined();
  });

  it('refuses the properties and UrlFetch calls past the day quotas', () => {
    const h = harness({ oauthScopes: ALL_SCOPES, urlFetchWhitelist: [`${serverUrl}/`] });
    h.urlFetch.quota.used.set('alice@example.com', 20_000);
    expect(messageOf(h.execute('fetchUrl', as, `${serverUrl}/`, true).error)).toBe('Service invoked too many times for one day: urlfetch.');
    h.properties.quota.used.set('alice@example.com', 50_000);
    expect(messageOf(h.execute('readProperties', as).error)).toBe('Service invoked too many times for one day: properties.');
  });

  it('gives up on a request that gets no answer within the deadline', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/`;
    try {
      const h = harness({ oauthScopes: ALL_SCOPES, urlFetchWhitelist: [url] });
      h.urlFetch.deadlineMs = 300;
      const run = h.execute('fetchUrl', as, url, true);
      expect(messageOf(run.error)).toBe(`Timeout: ${url}`);
      expect(run.elapsedMs).toBeGreaterThanOrEqual(300);
    } finally {
      silent.close();
    }
  });

  it('counts the service calls and the properties bytes of each execution', () => {
    const h = harness();
    const run = probe(h, `var p = PropertiesService.getDocumentProperties(); p.setProperty('key', 'value'); p.getProperties(); SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1').getRange('A1').getValue()`);
    expect(run.calls).toEqual({
      'PropertiesService.getDocumentProperties': 1,
      'Properties.setProperty': 1,
      'Properties.getProperties': 1,
      'SpreadsheetApp.getActiveSpreadsheet': 1,
      'Spreadsheet.getSheetByName': 1,
      'Sheet.getRange': 1,
      'Range.getValue': 1,
    });
    expect(run.propertyBytesWritten).toBe(8);
    expect(run.propertyBytesRead).toBe(8);
  });
});

describe('google.script.run', () => {
  it('serializes arguments and answers, turns a throw into its message, and hides functions ending in _', () => {
    const h = harness();
    expect(() => h.run('alice@example.com', 'private_' as 'getState')).toThrow(/private/);
    expect(() => h.run('alice@example.com', 'nothing' as 'getState')).toThrow('Script function not found: nothing');
    h.spreadsheet.sheet('Sheet1').getRange('A1').setValue('x');
    expect(h.run('alice@example.com', 'readProperties' as 'getState')).toEqual({});
  });
});
