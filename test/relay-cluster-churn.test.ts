// Relays leaving and joining while edits flow: three relays on one Postgres and Redis, viewers
// spread over them, a steady stream of edits through another relay; one relay stops (its
// viewers are closed with 1001 and resume elsewhere from their last seq), a new relay starts
// and takes viewers. Every viewer sees every seq once, in order: none lost, none repeated.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { cell, connectViewer, eventually, postEdits, publishDoc, startRelay, type Relay, type Viewer } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;
const relays: Relay[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  env = clusterEnv(database.url);
  for (let i = 0; i < 3; i++) relays.push(await startRelay({ env }));
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await database?.drop();
});

/** A viewer that moves to another relay when its own goes away, resuming from its last seq. */
interface Follower {
  epoch: number;
  /** Its connections in order: the first from a snapshot, each later one resumed. */
  connections: Viewer[];
}

const viewer = (f: Follower) => f.connections.at(-1)!;

/** Every seq the follower was given, over all its connections (the helper records every frame). */
function seqs(f: Follower): number[] {
  return f.connections.flatMap((c) => c.frames.flatMap((frame) => (frame.type === 'snapshot' || frame.type === 'delta' ? [frame.seq] : [])));
}

async function follow(relay: Relay, shareId: string): Promise<Follower> {
  const first = await connectViewer(relay, shareId);
  const { epoch } = await first.next('snapshot');
  return { epoch, connections: [first] };
}

async function moveTo(f: Follower, relay: Relay, shareId: string): Promise<void> {
  f.connections.push(await connectViewer(relay, shareId, { epoch: f.epoch, seq: seqs(f).at(-1)! }));
}

it('keeps every viewer exact while a relay leaves and another joins under a stream of edits', async () => {
  const [a, b, c] = relays as [Relay, Relay, Relay];
  const doc = await publishDoc(a);
  const followers = await Promise.all([a, b, c, a, b, c].map((relay) => follow(relay, doc.shareId)));
  let sent = 0;
  let streaming = true;
  const stream = (async () => {
    for (; streaming; sent++) {
      await postEdits(a, doc, [cell('A1', `v${sent}`)]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await eventually(() => expect(sent).toBeGreaterThan(20));

  // c leaves: its viewers hear 1001 and resume on b.
  const onC = followers.filter((_, i) => i % 3 === 2);
  const closes = onC.map((f) => viewer(f).closed);
  await c.stop();
  expect((await Promise.all(closes)).map((x) => x.code)).toEqual([CloseCode.GoingAway, CloseCode.GoingAway]);
  await Promise.all(onC.map((f) => moveTo(f, b, doc.shareId)));
  await eventually(() => expect(sent).toBeGreaterThan(40));

  // d joins: a's viewers move to it, resuming where they were.
  const d = await startRelay({ env });
  relays.push(d);
  const onA = followers.filter((_, i) => i % 3 === 0);
  for (const f of onA) {
    viewer(f).close();
    await viewer(f).closed;
    await moveTo(f, d, doc.shareId);
  }
  await eventually(() => expect(sent).toBeGreaterThan(60));
  streaming = false;
  await stream;

  const last = sent;
  for (const f of followers) {
    await eventually(() => expect(seqs(f).at(-1)).toBe(last));
    expect(seqs(f)).toEqual(Array.from({ length: last + 1 }, (_, seq) => seq));
    // resumed, never started over: one snapshot, on the first connection
    expect(f.connections.flatMap((c) => c.frames).filter((frame) => frame.type === 'snapshot')).toHaveLength(1);
  }
  for (const f of followers) viewer(f).close();
});
