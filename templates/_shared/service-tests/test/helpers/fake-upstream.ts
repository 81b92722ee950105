import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeUpstream {
  /** Origin to use as UPSTREAM_URL. */
  url: string;
  /** Paths requested so far, in arrival order. */
  requests: string[];
  /** Highest number of requests in flight at the same time. */
  maxInFlight: number;
  /** Open TCP connections from clients (the service's pool), as the server counts them. */
  connections(): Promise<number>;
  /** Resolves when a request for `path` has arrived (bounded by `timeoutMs`). */
  waitForRequest(path: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A stand-in for the upstream service, on 127.0.0.1 in the test process, so tests can count its
 * sockets (docs/loop-rules.md §5.6). `/items/<id>` answers `{ id }`; special ids:
 * `fail` -> 500, `slow` -> answers after `slowMs`, `hang` -> never answers.
 */
export async function startFakeUpstream(options: { slowMs?: number; delayMs?: number } = {}): Promise<FakeUpstream> {
  const { slowMs = 1_000, delayMs = 0 } = options;
  const requests: string[] = [];
  const waiters: { path: string; resolve: () => void }[] = [];
  const stop = new AbortController();
  let inFlight = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    requests.push(path);
    for (const waiter of waiters.filter((w) => w.path === path)) waiter.resolve();
    const id = /^\/items\/([^/?]+)$/.exec(path)?.[1];
    if (id === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (id === 'hang') return; // never answered; close() destroys the socket
    const wait = id === 'slow' ? slowMs : delayMs;
    if (wait > 0) await sleep(wait, undefined, { signal: stop.signal });
    if (id === 'fail') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  }

  const server = createServer((req, res) => {
    inFlight += 1;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    handle(req, res).catch(() => {
      res.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const fake: FakeUpstream = {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: 0,
    connections: () =>
      new Promise((resolve, reject) => {
        server.getConnections((err, count) => {
          if (err) reject(err);
          else resolve(count);
        });
      }),
    waitForRequest: (path, timeoutMs = 5_000) => {
      if (requests.includes(path)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`fake upstream: no request for ${path} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push({
          path,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: async () => {
      stop.abort();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return fake;
}
