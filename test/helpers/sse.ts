// A Server-Sent Events reader over fetch, for tests: every event as the spec parses it
// (`event`, `id`, `data`; comment lines counted apart), and `next` to wait for one.
import type { Relay } from './relay.ts';

export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** The next event not yet taken (of `type` when given; others are skipped). */
  next(type?: string, timeoutMs?: number): Promise<SseEvent>;
  ended: Promise<void>;
  close(): void;
}

export async function openEvents(relay: Relay | { url: string }, shareId: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(`${relay.url}/v1/shares/${shareId}/events`, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiter: { wake: (() => void) | null } = { wake: null };
  let done = false;
  const ended = (async () => {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    let current: Partial<SseEvent> & { data?: string } = {};
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done: finished, value: chunk } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data !== undefined) events.push({ event: current.event ?? 'message', id: current.id ?? null, data: current.data });
            current = {};
            waiter.wake?.();
          } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') current.data = current.data === undefined ? value : `${current.data}\n${value}`;
            else if (field === 'event') current.event = value;
            else if (field === 'id') current.id = value;
          }
        }
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
      waiter.wake?.();
    }
  })();
  let cursor = 0;
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    ended,
    close: () => abort.abort(),
    async next(type, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < events.length) {
          const event = events[cursor++]!;
          if (!type || event.event === type) return event;
        }
        if (done) throw new Error(`the stream ended before a ${type ?? 'next'} event`);
        if (Date.now() > deadline) throw new Error(`no ${type ?? 'next'} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiter.wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}
