import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverRecipe } from './server.js';

// A queue server the test owns: its own process, on a free 127.0.0.1 port, with its own data
// directory. The test stops it (the process exits, as in a restart or a crash of the real server)
// and starts it again on the same port and data. The shared server of the other tests
// (DATABASE_URL / REDIS_URL) is never stopped. ./server.ts says how this source's server is
// started; this file owns the process. Every wait is bounded.

export interface Command {
  file: string;
  args: string[];
}

export interface ServerRecipe {
  /** Why this machine cannot run the server (a binary or OS user missing), or undefined. */
  skipReason: string | undefined;
  /** The OS user to run the server as (PostgreSQL refuses root), or undefined for ourselves. */
  user?: { uid: number; gid: number } | undefined;
  /** The command that fills the data directory, run once before the first start (initdb). */
  init?: (dir: string) => Command;
  /** The server, in the foreground. */
  command(dir: string, port: number): Command;
  /** The line in the server's output that says it accepts connections. */
  ready: RegExp;
  /** The signal that makes the server shut down at once, clients connected or not. */
  stopSignal: NodeJS.Signals;
  url(port: number): string;
}

export const PRIVATE_SERVER_SKIP_REASON = serverRecipe.skipReason;

export interface PrivateServer {
  /** Where the worker and the test's producer connect. */
  url: string;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it if it runs and removes its data directory. */
  close(): Promise<void>;
}

const START_MS = 60_000;
const STOP_MS = 60_000;

/** Rejects after `ms` with `what` in the message (never wait unbounded). */
async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command to its end (bounded); rejects with its output if it fails. */
async function runOnce({ file, args }: Command, user: ServerRecipe['user']): Promise<void> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await within(once(child, 'close'), START_MS, () => `${file} ${args.join(' ')}`)) as [number | null];
  if (code !== 0) throw new Error(`${file} exited with ${code}: ${output}`);
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

export async function startPrivateServer(recipe: ServerRecipe = serverRecipe): Promise<PrivateServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loopsvc-queue-server-'));
  if (recipe.user) await chown(dir, recipe.user.uid, recipe.user.gid);
  if (recipe.init) await runOnce(recipe.init(dir), recipe.user);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    const { file, args } = recipe.command(dir, port);
    output = '';
    const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...recipe.user });
    child = proc;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (recipe.ready.test(output)) resolve();
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code, signal) => reject(new Error(`${file} exited (${code ?? signal}) before it was ready: ${output}`)));
      proc.once('error', reject);
    });
    await within(ready, START_MS, () => `${file} on port ${port}; output: ${output}`);
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(recipe.stopSignal);
    await within(exited, STOP_MS, () => `stopping the server on port ${port}; output: ${output}`);
  };

  await start();
  return {
    url: recipe.url(port),
    start,
    stop,
    close: async () => {
      try {
        await stop();
      } catch (err) {
        child?.kill('SIGKILL'); // it did not stop in time: do not leave it running
        throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
