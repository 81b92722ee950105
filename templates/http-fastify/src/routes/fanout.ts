import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { RouteOptions } from '../app.js';
import type { Upstream } from '../plugins/upstream.js';
import { ErrorReply } from '../schemas.js';
import { Query, Reply } from './fanout.schemas.js';

/** An upstream failure mapped to the status this service answers with. */
class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly statusCode: 502 | 504,
  ) {
    super(message);
  }
}

function upstreamFailure(err: unknown, path: string, signal: AbortSignal): UpstreamError {
  const reason: unknown = signal.reason;
  if (signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new UpstreamError(`upstream ${path} timed out`, 504);
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new UpstreamError(`upstream ${path} failed: ${detail}`, 502);
}

async function fetchItem(upstream: Upstream, id: string, signal: AbortSignal): Promise<unknown> {
  const path = `/items/${encodeURIComponent(id)}`;
  try {
    // R2.2: async client from the shared pool, bounded by the caller's signal
    const res = await upstream.request({ method: 'GET', path, signal });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump(); // free the socket for the next request
      throw new UpstreamError(`upstream ${path} answered ${res.statusCode}`, 502);
    }
    return await res.body.json();
  } catch (err) {
    throw err instanceof UpstreamError ? err : upstreamFailure(err, path, signal);
  }
}

/**
 * GET /fanout?ids=a,b,c - fetches /items/:id from the upstream for every id concurrently.
 * R2.5: start all calls, then await them together with Promise.all; one deadline
 * (AbortSignal.timeout) bounds the whole fan-out, and the first failure cancels the rest.
 * Upstream errors become 502, timeouts 504 (after UPSTREAM_TIMEOUT_MS); the process keeps serving.
 */
export const fanoutRoutes: FastifyPluginCallbackTypebox<RouteOptions> = (app, opts, done) => {
  app.get(
    '/fanout',
    { schema: { querystring: Query, response: { 200: Reply, 400: ErrorReply, 502: ErrorReply, 503: ErrorReply, 504: ErrorReply } } },
    async (request) => {
      const cancel = new AbortController();
      const signal = AbortSignal.any([AbortSignal.timeout(opts.config.upstreamTimeoutMs), cancel.signal]);
      const calls = request.query.ids.split(',').map(async (id) => {
        try {
          return await fetchItem(app.upstream, id, signal);
        } catch (err) {
          cancel.abort(err); // fail fast: siblings stop waiting on a result nobody will use
          throw err;
        }
      });
      const items = await Promise.all(calls);
      return { items };
    },
  );
  done();
};
