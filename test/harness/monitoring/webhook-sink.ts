// A local HTTP endpoint standing in for Relevo's POST /hooks/alertmanager: it keeps every request
// Alertmanager makes, so the harness's self-test (and fixture capture) can see exactly what is sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../http.ts';
import { HOST } from './daemon.ts';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, byte for byte as sent. */
  raw: string;
  body: any;
  /** Milliseconds since the epoch, when the request ended. */
  at: number;
}

export interface WebhookSink {
  /** Where to point Alertmanager: http://127.0.0.1:<port>/hooks/alertmanager. */
  url: string;
  received: ReceivedWebhook[];
  /** Resolves the first request (already received or yet to come) that `match` accepts. */
  waitFor(match: (w: ReceivedWebhook) => boolean, what: string, timeoutMs?: number): Promise<ReceivedWebhook>;
  stop(): Promise<void>;
}

/** Answers 200 to everything (so Alertmanager never retries); checking the token is the test's job. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body,
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}/hooks/alertmanager`,
    received,
    waitFor: (match, what, timeoutMs = 60_000) =>
      eventually(async () => received.find(match), `the webhook sink to receive ${what}`, timeoutMs),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
