import { spawn, type ChildProcess } from 'node:child_process';

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
export function run(command: string, args: readonly string[], options: { cwd: string; stdio: 'pipe' | 'inherit'; packageManager?: boolean }): Run {
  const shell = options.packageManager === true && process.platform === 'win32';
  const child = spawn(command, args, { cwd: options.cwd, stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit', shell });
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
