import { writeSync } from 'node:fs';

/**
 * Where the CLI's lines go: `write(text)` for standard output or error. Without prompts, text goes
 * straight to the file descriptor with `writeSync`: `process.stdout` is a stream built on first
 * use, and for a pipe or a file that loads Node's stream and socket modules, about 3 ms of a run
 * that takes 40 (bench/generation.mjs); the text is the same and in the same order. Once
 * `viaStream()` says so (a person is being asked questions), everything goes through the stream
 * the prompts write to, so the order holds where a pipe's stream writes asynchronously (macOS);
 * what was written before is out already.
 *
 * A reader that goes away (`create-loopsvc --dry-run | head -1`) ends the output, not the run:
 * EPIPE is dropped, and the exit code still tells the outcome. A descriptor that would block
 * (EAGAIN: non-blocking, inherited from a parent) hands the rest to the stream, which waits.
 */
export interface Output {
  write(text: string): void;
  /** whether the text went (at least in part) through the stream, which may still be writing */
  readonly streamed: boolean;
}

export function fdOutput(
  fd: number,
  stream: () => NodeJS.WritableStream,
  viaStream: () => boolean = () => false,
  /** fs.writeSync; tests pass one that fails as a pipe can */
  write: (fd: number, bytes: Buffer, offset: number) => number = writeSync,
): Output {
  let toStream: NodeJS.WritableStream | undefined;
  let closed = false;
  const useStream = (): NodeJS.WritableStream => {
    if (toStream) return toStream;
    toStream = stream();
    toStream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
    return toStream;
  };
  return {
    get streamed() {
      return toStream !== undefined;
    },
    write(text) {
      if (closed) return;
      if (toStream || viaStream()) {
        useStream().write(text);
        return;
      }
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; ) {
        try {
          at += write(fd, bytes, at);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') {
            closed = true;
            return;
          }
          if (code !== 'EAGAIN') throw error;
          useStream().write(bytes.subarray(at));
          return;
        }
      }
    },
  };
}
