import type { Piscina } from 'piscina';
import { loadConfig, type Config } from './config.js';
import { createHandlers } from './jobs/handlers.js';
import { createJobRunner } from './jobs/job.js';
import { createLogger, type Logger } from './logger.js';
import { createSimulatedMailer } from './mailer.js';
import { createCpuPool } from './pool.js';
import type { JobSource } from './queue/queue.js';
import { openSource, SOURCE } from './queue/source.js';
import { readConfig } from './startup/env.js';
import { installStop } from './startup/stop.js';

// R1.2: the only composition root. It reads the config, installs the stop (signal handlers)
// before anything is awaited, opens the job source, starts it and owns the exit code. Every other
// module only exports factories.

/** R4.7: after an uncaught error the process is suspect: drain briefly, then exit 1. */
const FATAL_SHUTDOWN_TIMEOUT_MS = 5_000;
/** Budget for giving in-flight jobs back to the queue once the shutdown timeout fired. */
const RELEASE_TIMEOUT_MS = 2_000;

async function run(config: Config, log: Logger): Promise<void> {
  let source: JobSource | undefined;
  let cpuPool: Piscina | undefined;
  let drained = false;
  let closing: Promise<void> | undefined;
  const closeSource = () => (closing ??= source?.close() ?? Promise.resolve()); // once, from either path

  // R4.1: installed before the first await: a SIGTERM while the queue connection is still being
  // opened aborts the opening (stop.signal) and exits 0, instead of killing the process with
  // status 143. The first SIGTERM/SIGINT stops claiming and lets the jobs in flight finish and be
  // acknowledged (R4.6), exit 0. A second one exits 1 at once: the jobs in flight are not
  // acknowledged, so the queue delivers them again after its lease. R4.7: an uncaught error is
  // logged, drains for at most FATAL_SHUTDOWN_TIMEOUT_MS and exits 1.
  const stop = installStop({
    log,
    budgetMs: config.shutdownTimeoutMs,
    fatalBudgetMs: Math.min(config.shutdownTimeoutMs, FATAL_SHUTDOWN_TIMEOUT_MS),
    onStop: async () => {
      await startup.catch(() => undefined); // settles at once: the abort ends a connection attempt
      await source?.drain();
      drained = true;
      await cpuPool?.close();
      await closeSource();
    },
    // Jobs still running past the budget go back to the queue (R4.6): another worker retries them
    // at once, instead of after the lease, and the attempt is not counted. Then exit 1.
    onOverrun: {
      timeoutMs: RELEASE_TIMEOUT_MS,
      run: async ({ budgetMs }) => {
        if (!drained) {
          log.error({ timeoutMs: budgetMs }, 'shutdown timed out, releasing in-flight jobs');
          await source?.release();
        }
        await closeSource();
      },
    },
  });

  log.info({ source: SOURCE }, 'starting'); // the signal handlers are in place from here on

  // R3.1: resources are opened once, after the handlers are installed, and closed by the stop.
  const startup = (async () => {
    source = await openSource(config, { log, signal: stop.signal });
    if (stop.signal.aborted) return;
    cpuPool = createCpuPool({ threads: config.cpuPoolThreads });
    const mailer = createSimulatedMailer({ latencyMs: config.mailLatencyMs });
    const handlers = createHandlers({ mailer, mailTimeoutMs: config.mailTimeoutMs, cpuPool });
    await source.start(createJobRunner({ handlers, log, maxAttempts: config.maxAttempts }));
    log.info({ source: SOURCE, concurrency: config.concurrency }, 'worker started');
  })();
  await stop.awaitStartup(startup, async (err) => {
    log.error({ err }, 'failed to start');
    await cpuPool?.close();
    await closeSource();
  });
}

const config = readConfig(loadConfig); // synchronous, but before the loop starts (R2.3)
if (config) {
  await run(config, createLogger(config.logLevel)); // pino: JSON lines on stdout, credentials censored
}
