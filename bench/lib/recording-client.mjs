// A load client that records the outcome of every single request, for the shutdown measurements.
// autocannon reconnects silently and folds connection resets into one error counter; here each
// connection is its own undici Client (pipelining 1, keep-alive) sending one request after the
// other, and every request ends in exactly one bucket.
import { Client } from 'undici';

/** Outcome buckets; `refused` means the request never reached the server (the listener was closed). */
function classify(err) {
  const code = err?.code ?? err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  return 'reset'; // written (or being written) on an open connection, then the connection died
}

/**
 * Starts `connections` loops against `origin + path`. Each loop stops at its first refused
 * connection (the server is gone: a real client would go elsewhere), after `maxRequests`, or at
 * `deadlineMs`. `mark()` splits the counts into before/after a moment (the signal).
 */
export function startRecordingLoad({ origin, path, connections = 8, maxRequests = 200_000, deadlineMs = 30_000 }) {
  let markAt = Infinity;
  const outcomes = [];
  let stopped = false;
  const until = performance.now() + deadlineMs;

  async function loop() {
    const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    try {
      let fresh = true; // this request opens a new connection (first one, or the last ended it)
      for (let i = 0; i < maxRequests && !stopped && performance.now() < until; i += 1) {
        const sentAt = performance.now();
        try {
          const res = await client.request({ path, method: 'GET' });
          await res.body.dump();
          outcomes.push({ sentAt, status: res.statusCode });
          fresh = res.headers.connection === 'close';
        } catch (err) {
          const kind = classify(err);
          outcomes.push({ sentAt, error: kind, code: err?.code, fresh });
          fresh = true;
          if (kind === 'refused') return;
          if (!stopped) await new Promise((r) => setTimeout(r, 1)); // no hot spin on a broken socket
        }
      }
    } finally {
      await client.destroy().catch(() => {});
    }
  }

  const loops = Array.from({ length: connections }, () => loop());
  return {
    mark: () => {
      markAt = performance.now();
    },
    /** Stops the loops (bounded) and resolves with the counts before and after mark(). */
    stop: async (graceMs = 5_000) => {
      const ended = Promise.all(loops);
      const timer = new Promise((r) => setTimeout(r, graceMs));
      await Promise.race([ended, timer]);
      stopped = true;
      await Promise.race([ended, new Promise((r) => setTimeout(r, graceMs))]);
      const before = outcomes.filter((o) => o.sentAt < markAt);
      const after = outcomes.filter((o) => o.sentAt >= markAt);
      const count = (list, f) => list.filter(f).length;
      return {
        okBefore: count(before, (o) => o.status === 200),
        okAfter: count(after, (o) => o.status === 200),
        status503: count(outcomes, (o) => o.status === 503),
        otherStatus: count(outcomes, (o) => o.status !== undefined && o.status !== 200 && o.status !== 503),
        // sent on a kept-alive connection, no response: lost in flight
        lostInFlight: count(outcomes, (o) => o.error === 'reset' && !o.fresh),
        // reset while opening a new connection: accepted into the backlog as the listener closed
        resetOnConnect: count(outcomes, (o) => o.error === 'reset' && o.fresh),
        refused: count(outcomes, (o) => o.error === 'refused'),
      };
    },
  };
}
