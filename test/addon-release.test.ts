// Shipping the add-on as its users get it: `npm run push` builds for a relay and pushes with
// clasp; `npm run deploy` makes a new version of the existing deployment, never a new
// deployment (Google disables the installable triggers of a new one). The scripts run here
// with `clasp` and `npm` replaced by recorders: what they would ask of Google, in order.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Runs a package.json script with recorders for clasp and npm first on the PATH; what they were asked, one line each. */
function run(name: 'push' | 'deploy', env: Record<string, string>): { status: number | null; stderr: string; asked: string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'sheetcast-release-'));
  const log = join(bin, 'asked.log');
  for (const tool of ['clasp', 'npm']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(log, '');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SHEETCAST_')));
  const result = spawnSync('sh', ['-c', scripts[name]!], { env: { ...clean, ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, asked: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('npm run push', () => {
  it('builds the add-on for the relay, then pushes it with clasp, overwriting the remote manifest', () => {
    const push = run('push', { SHEETCAST_RELAY_URL: 'https://relay.example.com' });
    expect(push.status).toBe(0);
    expect(push.asked).toEqual(['npm run build:addon', 'clasp push --force']);
  });

  it('refuses to build for no relay, naming the variable, before asking anything', () => {
    const push = run('push', {});
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/SHEETCAST_RELAY_URL: must be the relay's https origin/);
    expect(push.asked).toEqual([]);
  });
});

describe('npm run deploy', () => {
  it('pushes, then moves the existing deployment to a new version', () => {
    const deploy = run('deploy', { SHEETCAST_RELAY_URL: 'https://relay.example.com', SHEETCAST_DEPLOYMENT_ID: 'AKfycbDeployment' });
    expect(deploy.status).toBe(0);
    expect(deploy.asked[0]).toBe('npm run push');
    expect(deploy.asked[1]).toMatch(/^clasp update-deployment AKfycbDeployment --description \S+$/);
    expect(deploy.asked).toHaveLength(2);
  });

  it('never makes a new deployment: without the existing one it stops, saying why', () => {
    const deploy = run('deploy', { SHEETCAST_RELAY_URL: 'https://relay.example.com' });
    expect(deploy.status).not.toBe(0);
    expect(deploy.stderr).toMatch(/SHEETCAST_DEPLOYMENT_ID: must be the id of the add-on's existing deployment/);
    expect(deploy.asked).toEqual([]);
  });
});
