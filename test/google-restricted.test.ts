// Restricted shares: viewers sign in with Google (OpenID, no Drive scopes), and the relay admits
// only emails on the allow list (`@domain` for a whole domain) to the snapshot, the page and the
// socket. Everyone else gets 401/403 and 4401/4403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, type PublishResponse } from '../protocol/wire.ts';
import { admission, isAllowed } from '../relay/access.ts';
import { api, connectViewer, eventually, postEdits, publishDoc, cell } from './helpers/index.ts';
import { connectWithCookies, CookieJar, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';

let env: GoogleRelay;
let doc: PublishResponse;
const jars: Record<string, CookieJar> = {};

beforeAll(async () => {
  env = await startGoogleRelay();
  env.google.addUser({ email: 'dana@example.org' });
  doc = await publishDoc(env.relay, { title: 'Board salaries', access: 'restricted', allow: ['alice@example.com', '@example.org'] });
  await postEdits(env.relay, doc, [cell('A1', 'CEO')]);
  for (const email of ['alice@example.com', 'bob@example.com', 'dana@example.org']) {
    const flow = await oauthFlow(env.relay, { loginHint: email });
    expect(flow.callback.status).toBe(200);
    jars[email] = flow.jar;
  }
});

afterAll(async () => {
  await env?.stop();
});

const snapshot = (jar: CookieJar | null) => (jar ?? new CookieJar()).fetch(`${env.relay.url}/v1/shares/${doc.shareId}/snapshot`);

describe('the snapshot', () => {
  it('is given to a signed-in viewer whose email is on the allow list', async () => {
    const reply = await snapshot(jars['alice@example.com']!);
    expect(reply.status).toBe(200);
    expect((await reply.json()).ranges[0].values[0][0]).toBe('CEO');
  });

  it('is given to anyone signed in from an allowed @domain', async () => {
    expect((await snapshot(jars['dana@example.org']!)).status).toBe(200);
  });

  it('is refused with 403 to a signed-in viewer who is not on the list, and 401 to an anonymous one', async () => {
    const bob = await snapshot(jars['bob@example.com']!);
    expect(bob.status).toBe(403);
    expect((await bob.json()).error.code).toBe('not_allowed');
    expect((await snapshot(null)).status).toBe(401);
  });

  it('ignores a session cookie that was tampered with', async () => {
    const forged = new CookieJar();
    const [name, value] = [...jars['bob@example.com']!.cookies].find(([n]) => n === 'sheetcast_session')!;
    const [payload, signature] = [value.slice(0, value.lastIndexOf('.')), value.slice(value.lastIndexOf('.') + 1)];
    const claims = JSON.parse(Buffer.from(decodeURIComponent(payload), 'base64url').toString());
    const lie = Buffer.from(JSON.stringify({ ...claims, email: 'alice@example.com' })).toString('base64url');
    forged.cookies.set(name, `${lie}.${signature}`);
    expect((await snapshot(forged)).status).toBe(401);
  });
});

describe('the live socket', () => {
  it('admits an allowed viewer and sends the snapshot, then the deltas', async () => {
    const viewer = await connectWithCookies(env.relay, doc.shareId, jars['alice@example.com']!);
    await eventually(() => expect(viewer.frames[0]?.type).toBe('snapshot'));
    await postEdits(env.relay, doc, [cell('A1', 'Chair')]);
    await eventually(() => expect(viewer.frames.some((f) => f.type === 'delta')).toBe(true));
    viewer.socket.close();
  });

  it('closes a signed-in viewer who is not on the list with 4403, and an anonymous one with 4401', async () => {
    const bob = await connectWithCookies(env.relay, doc.shareId, jars['bob@example.com']!);
    expect(await bob.closed).toBe(CloseCode.NotAllowed);
    expect(bob.frames).toEqual([]);
    const anonymous = await connectViewer(env.relay, doc.shareId);
    expect((await anonymous.closed).code).toBe(CloseCode.SignInNeeded);
  });

  it('does not let another site open a socket with the viewer\'s cookie', async () => {
    const hijack = await connectWithCookies(env.relay, doc.shareId, jars['alice@example.com']!, 'https://evil.example');
    expect(await hijack.closed).toBe(CloseCode.SignInNeeded);
    expect(hijack.frames).toEqual([]);
  });

  it('closes a viewer the new allow list leaves out with 4403 and keeps the others', async () => {
    const other = await publishDoc(env.relay, { access: 'restricted', allow: ['alice@example.com', 'dana@example.org'] });
    const alice = await connectWithCookies(env.relay, other.shareId, jars['alice@example.com']!);
    const dana = await connectWithCookies(env.relay, other.shareId, jars['dana@example.org']!);
    await eventually(() => expect(alice.frames.length > 0 && dana.frames.length > 0).toBe(true));
    await api(env.relay, 'PATCH', `/v1/docs/${other.docId}`, { token: env.relay.adminToken, body: { allow: ['alice@example.com'] } });
    expect(await dana.closed).toBe(CloseCode.NotAllowed);
    await postEdits(env.relay, other, [cell('B1', 'still here')]);
    await eventually(() => expect(alice.frames.some((f) => f.type === 'delta')).toBe(true));
    alice.socket.close();
  });
});

describe('the view page', () => {
  it('sends an anonymous viewer to Google sign-in and back to the page', async () => {
    const jar = new CookieJar();
    const page = await jar.fetch(`${env.relay.url}/view/${doc.shareId}`);
    expect(page.status).toBe(302);
    const start = new URL(page.headers.get('location')!, env.relay.url);
    expect(start.pathname).toBe('/auth/google/start');
    expect(start.searchParams.get('return')).toBe(`/view/${doc.shareId}`);
    const flow = await oauthFlow(env.relay, { jar, loginHint: 'alice@example.com', returnTo: `/view/${doc.shareId}` });
    // Sign-in asks Google for nothing of the viewer's Drive.
    expect(flow.authUrl.searchParams.get('scope')).toBe('openid email');
    expect(flow.callback.headers.get('location')).toBe(`/view/${doc.shareId}`);
    const back = await jar.fetch(`${env.relay.url}/view/${doc.shareId}`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain(`share="${doc.shareId}"`);
  });
});

describe('the allow list', () => {
  it('matches an email whatever its case, and an @domain only that exact domain', () => {
    const allow = ['Alice@Example.com', '@example.org'];
    expect(isAllowed(allow, 'alice@example.COM')).toBe(true);
    expect(isAllowed(allow, 'anyone@example.org')).toBe(true);
    expect(isAllowed(allow, 'anyone@sub.example.org')).toBe(false);
    expect(isAllowed(allow, 'anyone@notexample.org')).toBe(false);
    expect(isAllowed(allow, 'bob@example.com')).toBe(false);
    expect(isAllowed(allow, '@example.org')).toBe(false);
  });

  it('admits everyone to a link share, and tells sign-in needed from not allowed for a restricted one', () => {
    expect(admission({ access: 'link', allow: [] }, null)).toBe('admitted');
    expect(admission({ access: 'restricted', allow: ['@example.org'] }, null)).toBe('sign_in_needed');
    expect(admission({ access: 'restricted', allow: ['@example.org'] }, 'x@example.com')).toBe('not_allowed');
    expect(admission({ access: 'restricted', allow: ['@example.org'] }, 'x@example.org')).toBe('admitted');
  });
});
