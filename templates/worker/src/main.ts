import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { Piscina } from 'piscina';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createHandlers } from './jobs/handlers.js';
import { createJobRunner } from './jobs/job.js';
import { createLogger, type Logger } from './logger.js';
import { createSimulatedMailer } from './mailer.js';
import { createCpuPool } from './pool.js';
import type { JobSource } from './queue/queue.js';
import { openSource, SOURCE } from './queue/source.js';
import { afterDrain } from './startup/after-drain.js';

// R1.2: the only composition root. It reads the config, installs the signal handlers (through
// close-with-grace) before anything is awaited, opens the job source, starts it and owns the exit
// code. Every other module only exports factories.

/** R4.7: after an uncaught error the process is suspect: drain briefly, then exit 1. */
const FATAL_SHUTDOWN_TIMEOUT_MS = 5_000;
/** Budget for giving in-flight jobs back to the queue once the shutdown timeout fired. */
const RELEASE_TIMEOUT_MS = 2_000;

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env); // synchronous, but before the loop starts (R2.3)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`); // one line naming the variable, then exit 1
    process.exitCode = 1;
    return undefined;
  }
}

function run(config: Config, log: Logger): void {
  // R4.1: one AbortController is the shutdown event. It is created, and the signal handlers are
  // installed, before the first await: a SIGTERM while the queue connection is still being opened
  // aborts the opening and exits 0, instead of killing the process with status 143.
  const stopping = new AbortController();
  let source: JobSource | undefined;
  let cpuPool: Piscina | undefined;

  async function stop(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs + RELEASE_TIMEOUT_MS;
    stopping.abort();
    await startup; // settles at once: the abort ends a connection attempt in progress
    if (source) {
      const drained = await Promise.race([source.drain().then(() => true), sleep(timeoutMs, false)]);
      if (!drained) {
        log.error({ timeoutMs }, 'shutdown timed out, releasing in-flight jobs');
        await source.release(); // R4.6: retried at once by another worker, not after the lease
        await source.close();
        log.error('shutdown timed out, exiting');
        throw new Error(`in-flight jobs still running after ${timeoutMs} ms`); // close-with-grace: exit 1
      }
    }
    await cpuPool?.close();
    await source?.close();
    await afterDrain(deadline); // the telemetry flush, when there is one: inside the budget
    log.info('closed');
  }

  // The first SIGTERM/SIGINT drains and exits 0; a second one exits 1 at once (the jobs in flight
  // are not acknowledged, so the queue delivers them again after its lease). An uncaught error is
  // logged, drains briefly and exits 1 (R4.7). close-with-grace's `delay` only bounds a stop that
  // hangs despite the timeout above.
  const grace = closeWithGrace(
    {
      delay: config.shutdownTimeoutMs + RELEASE_TIMEOUT_MS,
      logger: { error: (err: unknown) => log.error({ err }, 'stopped with an error') },
      onSecondSignal: (signal) => log.error({ signal }, 'second signal, exiting now'),
      onSecondError: (err) => log.error({ err }, 'second fatal error while shutting down, exiting now'),
      onTimeout: (delay) => log.error({ delay }, 'shutdown hung past its timeout, exiting'),
    },
    async ({ signal, err }) => {
      if (err) {
        log.error({ err }, 'fatal error, shutting down'); // R4.7: never log-and-continue
        await stop(Math.min(config.shutdownTimeoutMs, FATAL_SHUTDOWN_TIMEOUT_MS));
      } else {
        log.info({ signal }, 'shutting down');
        await stop(config.shutdownTimeoutMs);
      }
    },
  );

  log.info({ source: SOURCE }, 'starting'); // the signal handlers are in place from here on

  // R3.1: resources are opened once, after the handlers are installed, and closed by stop().
  const startup = (async () => {
    source = await openSource(config, { log, signal: stopping.signal });
    if (stopping.signal.aborted) return;
    cpuPool = createCpuPool({ threads: config.cpuPoolThreads });
    const mailer = createSimulatedMailer({ latencyMs: config.mailLatencyMs });
    const handlers = createHandlers({ mailer, mailTimeoutMs: config.mailTimeoutMs, cpuPool });
    await source.start(createJobRunner({ handlers, log, maxAttempts: config.maxAttempts }));
    log.info({ source: SOURCE, concurrency: config.concurrency }, 'worker started');
  })().catch(async (err: unknown) => {
    if (stopping.signal.aborted) {
      log.info('stopped during startup');
      return;
    }
    grace.uninstall();
    log.error({ err }, 'failed to start');
    process.exitCode = 1;
    await cpuPool?.close();
    await source?.close();
  });
}

const config = readConfig();
if (config) run(config, createLogger(config.logLevel)); // pino: JSON lines on stdout, credentials censored
