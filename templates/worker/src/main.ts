import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createCpuPool } from './pool.js';
import { createHandlers } from './jobs/handlers.js';
import { createJobLoop } from './loop.js';
import { createSimulatedMailer } from './mailer.js';
import type { JobQueue } from './queue/queue.js';
import { openQueue, SOURCE } from './queue/source.js';

// R1.2: the only composition root. It reads the config, opens the resources, installs the signal
// handlers, runs the job loop and owns the exit code. Every other module only exports factories.

/** R4.7: after an uncaught error the process is suspect: drain briefly, then exit 1. */
const FATAL_SHUTDOWN_TIMEOUT_MS = 5_000;
/** Budget for giving in-flight jobs back to the queue when the shutdown timeout fires. */
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

async function start(config: Config, log: Logger): Promise<void> {
  // R3.1: resources are opened once, before the loop, and closed after it returned.
  let queue: JobQueue;
  try {
    queue = await openQueue(config.source, log);
  } catch (err) {
    log.error({ err }, 'failed to start');
    process.exitCode = 1;
    return;
  }
  const cpuPool = createCpuPool({ threads: config.cpuPoolThreads });
  const mailer = createSimulatedMailer({ latencyMs: config.mailLatencyMs });
  const loop = createJobLoop({
    queue,
    handlers: createHandlers({ mailer, mailTimeoutMs: config.mailTimeoutMs, cpuPool }),
    log,
    concurrency: config.concurrency,
    pollIntervalMs: config.pollIntervalMs,
    maxAttempts: config.maxAttempts,
    retryBaseMs: config.retryBaseMs,
    retryMaxMs: config.retryMaxMs,
    queueBackoffMaxMs: config.queueBackoffMaxMs,
  });

  // R4.1: one AbortController is the shutdown event. Its signal ends the idle sleeps at once and
  // stops the claiming; the jobs in flight run to the end and are acknowledged.
  const stopping = new AbortController();
  let deadline: NodeJS.Timeout | undefined;

  async function giveUp(timeoutMs: number): Promise<void> {
    log.error({ timeoutMs }, 'shutdown timed out, releasing in-flight jobs');
    const released = (async () => {
      await loop.releaseInFlight(); // R4.6: retried at once by another worker, not after the lease
      await queue.close();
    })();
    await Promise.race([released, sleep(RELEASE_TIMEOUT_MS)]);
  }

  function shutdown(cause: { signal: NodeJS.Signals } | { err: unknown }): void {
    if (stopping.signal.aborted) {
      // R4.1: a second signal (or error) while stopping: exit now. The jobs in flight are not acked,
      // so a durable queue delivers them again when their lease ends.
      if ('signal' in cause) log.error({ signal: cause.signal }, 'second signal, exiting now');
      else log.error({ err: cause.err }, 'second fatal error while shutting down, exiting now');
      process.exit(1);
    }
    let timeoutMs = config.shutdownTimeoutMs;
    if ('err' in cause) {
      log.error({ err: cause.err }, 'fatal error, shutting down'); // R4.7: never log-and-continue
      process.exitCode = 1;
      timeoutMs = Math.min(timeoutMs, FATAL_SHUTDOWN_TIMEOUT_MS);
    } else {
      log.info({ signal: cause.signal }, 'shutting down');
    }
    stopping.abort();
    deadline = setTimeout(() => {
      giveUp(timeoutMs)
        .catch((err: unknown) => log.error({ err }, 'releasing in-flight jobs failed'))
        .finally(() => {
          log.error('shutdown timed out, exiting');
          process.exit(1);
        });
    }, timeoutMs);
  }

  // Installing these listeners replaces Node's default "terminate" action (R4.1), so each one leads
  // to an exit. `on`, not `once`: a second signal must reach shutdown() (exit 1), not kill with 143.
  process.on('SIGTERM', (signal) => shutdown({ signal }));
  process.on('SIGINT', (signal) => shutdown({ signal }));
  process.on('uncaughtException', (err) => shutdown({ err }));
  process.on('unhandledRejection', (err) => shutdown({ err }));

  log.info({ source: SOURCE, concurrency: config.concurrency, pollIntervalMs: config.pollIntervalMs }, 'worker started');
  await loop.run(stopping.signal); // returns once stopped and drained (R4.6)
  await cpuPool.close();
  await queue.close();
  clearTimeout(deadline);
  log.info('closed');
  // Nothing should keep the process alive now: it exits by itself with process.exitCode (0, or 1
  // after a fatal error). If a leaked handle (an unclosed client, a timer) kept it running, this
  // unref'd timer still ends it, so a shutdown is always bounded.
  setTimeout(() => {
    log.error('a handle is still open after close, exiting');
    process.exit(1);
  }, 1_000).unref();
}

const config = readConfig();
if (config) {
  await start(config, pino({ level: config.logLevel })); // pino: JSON lines on stdout
}
