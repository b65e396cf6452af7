// The Google emulator running in a worker thread, with a synchronous idToken() for
// ScriptApp.getIdentityToken.
import { Worker } from 'node:worker_threads';
import type { IdTokenClaims } from '../../emulator/google/index.ts';
import { callBlocking } from './blocking.ts';

export interface ThreadedGoogle {
  url: string;
  idToken(claims: IdTokenClaims): string;
  close(): Promise<void>;
}

export async function startThreadedGoogle(): Promise<ThreadedGoogle> {
  const worker = new Worker(new URL('./google-worker.ts', import.meta.url));
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { ready?: string }) => (message.ready ? resolve(message.ready) : reject(new Error('emulator did not start'))));
  });
  return {
    url,
    idToken(claims) {
      const answer = callBlocking<{ token: string }>(worker, { op: 'idToken', claims }, 10_000);
      if ('blockingError' in answer) throw new Error(answer.blockingError);
      return answer.token;
    },
    async close() {
      callBlocking(worker, { op: 'close' }, 10_000);
      await worker.terminate();
    },
  };
}
