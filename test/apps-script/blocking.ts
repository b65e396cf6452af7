// Calling a worker thread and blocking until it answers: the worker posts its answer on a
// MessageChannel port and wakes this thread through Atomics.notify. Apps Script's services
// are synchronous; this is how their fakes reach real servers without an event loop turn.
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';

/** Posts `{ request, port, signal }` to the worker; it must answer on `port`, then notify `signal`. */
export function callBlocking<T>(worker: Worker, request: unknown, timeoutMs: number): T | { blockingError: string } {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    worker.postMessage({ request, port: port2, signal }, [port2]);
    const waited = Atomics.wait(signal, 0, 0, timeoutMs);
    const message = receiveMessageOnPort(port1);
    if (!message) return { blockingError: waited === 'timed-out' ? 'Timeout' : 'no answer' };
    return message.message as T;
  } finally {
    port1.close();
  }
}

/** The worker side: answer each request with `handle`, then wake the caller. */
export const ANSWER_SOURCE = `
function answerWith(parentPort, handle) {
  parentPort.on('message', async (message) => {
    if (!message || !message.port) return;
    const { request, port, signal } = message;
    let answer;
    try {
      answer = await handle(request);
    } catch (error) {
      answer = { blockingError: String((error && error.message) || error) };
    }
    port.postMessage(answer);
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}
`;
