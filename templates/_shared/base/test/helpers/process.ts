import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

// Runs the BUILT program (`node dist/main.js`, built by test/global-setup.ts) as a real process,
// the way production does, and reads its pino JSON log lines: the lifecycle tests send it real
// signals and assert on what it logged and how it exited. test/helpers/service.ts (or the
// worker's) adds what is particular to the template.

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One pino JSON line of the program's stdout (a line that is not JSON keeps its text in `msg`). */
export interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the test process saw the exit. */
  at: number;
}

export interface BuiltProcess<L extends LogLine = LogLine> {
  child: ChildProcess;
  logs: L[];
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves with the first line that matches; rejects if the process exits first or after `timeoutMs`. */
  waitForLog(match: (line: L) => boolean, timeoutMs?: number): Promise<L>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns `node [nodeArgs] <entry>` with only PATH and `env` in its environment: the built program
 * by default, or a test fixture built on its modules.
 */
export function startBuilt<L extends LogLine = LogLine>(env: Record<string, string>, nodeArgs: readonly string[] = [], entry = 'dist/main.js'): BuiltProcess<L> {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);

  const logs: L[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(text) as L);
      } catch {
        logs.push({ level: 0, time: Date.now(), msg: text } as L);
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

  const waitForLog = (match: (line: L) => boolean, waitMs = 10_000): Promise<L> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`the process exited before the expected log line; stderr: ${stderr}`));
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

  return { child, logs, stderr: () => stderr, exited, waitForLog };
}

/**
 * Resolves with the exit, or rejects after `timeoutMs` (never wait unbounded). It also rejects,
 * with the program's stderr, when a signal other than SIGKILL ended the process: these programs
 * handle SIGTERM and SIGINT and exit with a code, so such an end is a crash (SIGABRT, SIGSEGV) or
 * a signal that came before the handlers were installed, never an outcome a test expects.
 */
export async function exitWithin(proc: BuiltProcess<LogLine>, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`the process did not exit within ${timeoutMs} ms; last logs: ${JSON.stringify(proc.logs.slice(-20))}`));
    }, timeoutMs);
  });
  let exit: Exit;
  try {
    exit = await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (exit.signal !== null && exit.signal !== 'SIGKILL') {
    throw new Error(`the process was ended by ${exit.signal}, not by an exit of its own; stderr: ${proc.stderr().slice(-4_000)}; last logs: ${JSON.stringify(proc.logs.slice(-20))}`);
  }
  return exit;
}

/** SIGKILLs every process still running; call from afterEach. */
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
