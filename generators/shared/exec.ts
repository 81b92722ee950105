import type { ChildProcess, SpawnOptions } from 'node:child_process';

/**
 * node:child_process, loaded on the first spawn: most runs (--help, --dry-run, --no-install
 * --no-git with npm) spawn nothing, and loading it costs 5 ms of CPU at startup.
 */
function spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return (process.getBuiltinModule('node:child_process') as typeof import('node:child_process')).spawn(command, args, options);
}

/**
 * Runs a program the way the CLI needs it, in twenty lines of node:child_process instead of a
 * bundled process library: output piped (and collected) or shown (`inherit`), a failure as an
 * error whose message says what failed (`Command failed with exit code 1: npm install`), its
 * stderr when piped, and `code: 'ENOENT'` when the program is not installed.
 */
export interface Run {
  child: ChildProcess;
  done: Promise<{ stdout: string; stderr: string }>;
}

export class RunError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** `packageManager`: on Windows npm, pnpm and yarn are .cmd shims, which only a shell finds (their args here have no spaces). */
export function run(command: string, args: readonly string[], options: { cwd: string; stdio: 'pipe' | 'inherit'; packageManager?: boolean; env?: NodeJS.ProcessEnv }): Run {
  const shell = options.packageManager === true && process.platform === 'win32';
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit', shell });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const line = [command, ...args].join(' ');
  const done = new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(new RunError(`${line}: ${error.message}`, error.code, '')));
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new RunError(signal ? `Command was killed with ${signal}: ${line}` : `Command failed with exit code ${code}: ${line}`, undefined, stderr));
    });
  });
  return { child, done };
}

export interface Captured {
  /** null when the program could not start (then `error` says why) or was killed */
  exitCode: number | null;
  stdout: Buffer;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

/**
 * Runs a program to read what it prints, never rejecting: the caller decides what an exit code
 * means (`git merge-file` exits with the number of conflicts). `input` is written to its stdin.
 */
export function capture(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: Buffer | string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ? { ...process.env, ...options.env } : process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failed: NodeJS.ErrnoException | undefined;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      failed = error;
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode: failed ? null : code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), error: failed });
    });
    // a program that exits without reading its input (git outside a repository) closes the pipe:
    // that EPIPE is its answer, already in its exit code, not a crash of ours
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
