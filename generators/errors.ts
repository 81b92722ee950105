/** Exit codes are part of the CLI's contract: documented in --help and README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  /** `update` wrote (or, with --dry-run, would write) conflict markers to resolve */
  conflicts: 3,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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

/** The user cancelled (Ctrl-C at a prompt or during the write). */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** The first line of what a failed child process or error said, for one-line messages. */
export function firstLine(error: unknown): string {
  const e = error as { stderr?: unknown; shortMessage?: unknown; message?: unknown };
  const stderr = typeof e.stderr === 'string' ? e.stderr.trim() : '';
  const text = stderr || (typeof e.shortMessage === 'string' ? e.shortMessage : '') || (typeof e.message === 'string' ? e.message : String(error));
  return text.split('\n')[0] ?? text;
}
