/** Exit codes are part of the CLI's contract: documented in --help and README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  /** `update` wrote (or, with --dry-run, would write) conflict markers to resolve */
  conflicts: 3,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | 129 | 143;

/**
 * An expected problem: the boundary prints `message` as one line (no stack) and exits with
 * `exitCode`. `code` is stable and greppable; tests assert on it through the message.
 */
export class LoopsvcError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode = EXIT.invalidInput) {
    super(message);
    this.name = 'LoopsvcError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** 128 + the signal's number, as a shell reports a process stopped by it. */
const SIGNAL_EXIT: Record<StopSignal, ExitCode> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The user cancelled (Ctrl-C at a prompt), or a signal stopped the write (after its rollback). */
export class CancelledError extends Error {
  readonly signal: StopSignal;
  /** the run already said what happened (an interrupted install), so the boundary adds nothing */
  readonly quiet: boolean;

  constructor(signal: StopSignal = 'SIGINT', quiet = false) {
    super('cancelled');
    this.name = 'CancelledError';
    this.signal = signal;
    this.quiet = quiet;
  }

  get exitCode(): ExitCode {
    return SIGNAL_EXIT[this.signal];
  }
}

/** The first line of what a failed child process or error said, for one-line messages. */
export function firstLine(error: unknown): string {
  const e = error as { stderr?: unknown; shortMessage?: unknown; message?: unknown };
  const stderr = typeof e.stderr === 'string' ? e.stderr.trim() : '';
  const text = stderr || (typeof e.shortMessage === 'string' ? e.shortMessage : '') || (typeof e.message === 'string' ? e.message : String(error));
  return text.split('\n')[0] ?? text;
}

/** What each environmental failure means and what the user can do about it. */
const ENVIRONMENT: Record<string, string> = {
  EACCES: 'permission denied; make it writable (chmod u+w) or choose another location',
  EPERM: 'operation not permitted; check its permissions and attributes, or choose another location',
  EROFS: 'the file system is read-only; choose a writable location',
  ENOSPC: 'no space left on the device; free some space and retry',
  EDQUOT: 'the disk quota is exhausted; free some space and retry',
  EXDEV: 'it is on another file system than the folder being written; choose a target on one file system',
  ENAMETOOLONG: 'a name or the whole path is too long for the file system (at most 255 bytes a name, 4,095 a path on Linux); choose a shorter one',
  ENOTDIR: 'a part of the path is a file, not a folder; choose another location',
  EISDIR: 'a folder is where a file must go; move it aside or choose another location',
  EMFILE: 'too many open files; raise the limit (ulimit -n) and retry',
  EIO: 'an input/output error from the device; check the disk and retry',
};

/**
 * An error from the file system that the user's environment caused (permissions, a full or
 * read-only disk, a name too long), as one line naming the path and the fix (exit 1); undefined
 * for anything else, which stays an unexpected error with its stack.
 */
export function environmentError(error: unknown, done = 'nothing was written'): LoopsvcError | undefined {
  const e = error as NodeJS.ErrnoException;
  const meaning = typeof e?.code === 'string' ? ENVIRONMENT[e.code] : undefined;
  if (meaning === undefined) return undefined;
  const where = typeof e.path === 'string' ? ` ${printable(e.path)}` : '';
  return new LoopsvcError(`ENV_${e.code}`, `cannot write${where}: ${meaning} (${e.code}); ${done}`, EXIT.failed);
}

/**
 * Text from user input (a path, a name), made safe for a terminal: control characters, line
 * breaks and bidirectional overrides are shown as escapes instead of acting on the terminal.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** C0 and C1 controls, DEL, line/paragraph separators and the bidi embeddings, overrides and isolates. */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/gu;

/** Multi-line output made safe for a terminal: like `printable`, keeping line breaks and tabs. */
export function terminalText(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' || c === '\t' ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}
