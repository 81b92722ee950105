import underPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { cpuPool } from './plugins/cpu-pool.js';
import { drain, slowClientLimits } from './plugins/drain.js';
import { upstream } from './plugins/upstream.js';
import { liveRoute, readyRoute } from './routes/health.js';
import { routes } from './routes/index.js';
import { openapi } from './routes/openapi.js';
import { schemaCompilers, type CompilersFactory } from './schema-compilers.js';

const PROBES = new Set(['/live', '/ready']);

/** The task module of the CPU pool: dist/workers/hash.js after a build, the .ts file under tsx/vitest. */
const HASH_TASK = new URL(`./workers/hash.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;

/** What every route plugin of src/routes/index.ts is registered with. */
export interface RouteOptions {
  config: Config;
}

export interface BuildOptions {
  /** One pino logger for the process (src/main.ts creates it before anything else). */
  log?: Logger;
  /** The CPU pool's task module; tests swap in one whose tasks they hold and release. */
  cpuTask?: string;
  /**
   * How route schemas become validators and serializers. By default, the functions `npm run build`
   * precompiled (./schema-compilers.ts), or Fastify's own compilers when there is no build.
   */
  compilers?: CompilersFactory;
}

/**
 * Builds the service without starting it (R1.2): no listen(), no signal handlers, no timers and no
 * open sockets until `ready()`/`listen()`. Tests call it with their own config and use `inject`;
 * src/main.ts is the only place that listens and owns the process.
 */
export async function buildApp(config: Config, { log, cpuTask = HASH_TASK, compilers }: BuildOptions = {}): Promise<FastifyInstance> {
  const serverLog: FastifyBaseLogger | undefined = log;
  const compilersFactory = compilers ?? (await schemaCompilers());
  const app = Fastify({
    ...(serverLog ? { loggerInstance: serverLog } : { logger: { level: config.logLevel } }),
    // Probes hit /live and /ready every few seconds: keep them out of the request log.
    logController: new LogController({ disableRequestLogging: (request) => PROBES.has(request.url) }),
    keepAliveTimeout: config.keepAliveTimeoutMs,
    ...slowClientLimits(config), // REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS
    bodyLimit: config.bodyLimitBytes, // R2.4: bounds the synchronous JSON.parse of bodies (413 above)
    // ajv checks each schema against the JSON Schema meta-schema before compiling it, and compiling
    // that meta-schema was the largest part of the schema compilation before the first answer. The
    // schemas are fixed in the code, so test/schemas.test.ts makes that check, once, in the suite.
    ajv: { customOptions: { validateSchema: false } },
    // The build compiles the schemas, so the service does not at every start (./schema-compilers.ts).
    ...(compilersFactory ? { schemaController: { compilersFactory } } : {}),
    // R3.3: keep the defaults return503OnClosing: true and forceCloseConnections: 'idle';
    // forceCloseConnections: true would cut in-flight requests.
  });

  await app.register(drain);
  await app.register(upstream, { config });
  await app.register(cpuPool, { filename: cpuTask, threads: config.cpuPoolThreads, maxQueue: config.cpuQueueMax });

  await app.register(openapi); // before every route: it describes those registered after it (GET /openapi.json)
  await app.register(liveRoute); // outside the under-pressure scope: liveness ignores load (R3.4)

  await app.register(async (api) => {
    // R3.4: event-loop pressure makes /ready and the API answer 503 + Retry-After, never /live.
    await api.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      sampleInterval: config.pressureSampleIntervalMs,
      retryAfter: 5,
    });
    await api.register(readyRoute, { saturated: () => app.cpuPool.saturated });
    // The API: src/routes/index.ts lists the route plugins (`create-loopsvc add route <path>` adds one).
    /* eslint-disable loopsvc/no-await-in-loop -- sequential on purpose: Fastify loads plugins in
       registration order, at startup, before the service serves anything. */
    for (const route of routes) {
      await api.register(route, { config });
    }
    /* eslint-enable loopsvc/no-await-in-loop */
  });

  return app;
}
