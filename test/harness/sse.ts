// Reads a Server-Sent Events stream as a page would, keeping every event for the test to wait on.
import { eventually } from './http.ts';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface EventStream {
  readonly events: SseEvent[];
  /** Waits until an event matches (already received or still to come). */
  waitFor(match: (e: SseEvent) => boolean, what: string, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${url} answered ${res.status}`);
  const events: SseEvent[] = [];
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
        }
      }
    } catch {
      // Closed by the test or by the server going away: the events so far stay readable.
    }
  })();
  return {
    events,
    waitFor: (match, what, timeoutMs = 30_000) => eventually(async () => events.find(match), what, timeoutMs),
    close: () => abort.abort(),
  };
}
