import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One pino JSON line of the worker's stdout. */
export interface LogLine {
  level: number;
  time: number;
  msg: string;
  jobId?: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the test process saw the exit. */
  at: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  logs: LogLine[];
  stderr(): string;
  exited: Promise<Exit>;
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

const running = new Set<ChildProcess>();

/** Base environment for a worker under test: quick but real timings, one CPU thread. */
export function workerEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    CPU_POOL_THREADS: '1',
    POLL_INTERVAL_MS: '100',
    ...overrides,
  };
}

/** The lines with this message, e.g. every 'job acked'. */
export function linesWith(logs: readonly LogLine[], msg: string): LogLine[] {
  return logs.filter((l) => l.msg === msg);
}

/**
 * Starts the BUILT worker (`node dist/main.js`, built by test/global-setup.ts) as a real process.
 * With `waitForStart` it resolves once the worker logged 'worker started'.
 */
export async function startWorker(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; waitForStart?: boolean; timeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const { nodeArgs = [], waitForStart = true, timeoutMs = 15_000 } = options;
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);

  const logs: LogLine[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(text) as LogLine);
      } catch {
        logs.push({ level: 0, time: Date.now(), msg: text });
      }
    }
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal, at: Date.now() });
    });
  });

  const waitForLog = (match: (line: LogLine) => boolean, waitMs = 10_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`worker exited before the expected log line; stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching log line within ${waitMs} ms; logs: ${JSON.stringify(logs)}`));
      }, waitMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  if (waitForStart) await waitForLog((l) => l.msg === 'worker started', timeoutMs);
  return { child, logs, stderr: () => stderr, exited, waitForLog };
}

/** Resolves with the exit, or rejects after `timeoutMs` (never wait unbounded). */
export async function exitWithin(worker: WorkerProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`worker did not exit within ${timeoutMs} ms; logs: ${JSON.stringify(worker.logs.slice(-20))}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([worker.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every worker still running; call from afterEach. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGKILL');
      await gone;
    }),
  );
}
