// The Google emulator on its own thread, so that it keeps answering the relay (certs for ID
// token checks) while the test's thread is blocked inside a synchronous UrlFetchApp.fetch.
import { parentPort } from 'node:worker_threads';
import { startGoogleEmulator } from '../../emulator/google/index.ts';
import type { IdTokenClaims } from '../../emulator/google/index.ts';

const google = await startGoogleEmulator();

parentPort!.on('message', (message: { request?: { op: 'idToken'; claims: IdTokenClaims } | { op: 'close' }; port?: MessagePort; signal?: Int32Array }) => {
  const { request, port, signal } = message;
  if (!request || !port || !signal) return;
  if (request.op === 'close') {
    void google.close().then(() => {
      port.postMessage({ closed: true });
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
    return;
  }
  let answer: unknown;
  try {
    answer = { token: google.idToken(request.claims) };
  } catch (error) {
    answer = { blockingError: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});

parentPort!.postMessage({ ready: google.url });
