// Idiomatic code that the loop rules must NOT flag.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';

const randomBytesAsync = promisify(randomBytes);

// A user function whose name ends in Sync but does no I/O: told apart with type information.
export function parseSync(text: string): string[] { // clean: user function named *Sync
  return text.split(',');
}

class Cache {
  private items = new Map<string, string>();
  getSync(key: string): string | undefined { // clean: user method named *Sync
    return this.items.get(key);
  }
}

export async function loadUsers(path: string, signal: AbortSignal): Promise<string[]> {
  const text = await readFile(path, { encoding: 'utf8', signal }); // clean: promise fs
  const stat = await fs.promises.stat(path);
  const cache = new Cache();
  const cached = cache.getSync(path) ?? '';
  return [...parseSync(text), cached, String(stat.size)];
}

export function tokenWithCallback(done: (token: string) => void): void {
  randomBytes(32, (err, buf) => { // clean: randomBytes with a callback
    if (err) throw err;
    done(buf.toString('hex'));
  });
}

export async function tokens(): Promise<string[]> {
  const buf = await randomBytesAsync(32); // clean: promisified randomBytes
  return [buf.toString('hex'), randomUUID(), createHash('sha256').update(buf).digest('hex')];
}

export async function fanOut(urls: string[], signal: AbortSignal): Promise<number[]> {
  const responses = await Promise.all(urls.map((url) => fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) }))); // clean: bounded fan-out
  return responses.map((r) => r.status);
}

export async function pollLoop(signal: AbortSignal, claim: () => Promise<string | undefined>): Promise<void> {
  while (!signal.aborted) { // clean: poll loop that awaits
    const job = await claim();
    if (!job) {
      await sleep(1_000, undefined, { signal }).catch(() => undefined);
    }
  }
}

export function registerHooks(app: FastifyInstance, pool: { connect(): Promise<unknown>; end(): Promise<void> }): void {
  app.addHook('onReady', async () => { // clean: onReady that resolves undefined
    await pool.connect();
  });
  app.addHook('onClose', async () => {
    await pool.end();
  });
  app.get('/live', async () => {
    await Promise.resolve();
    return { status: 'ok' };
  });
}

export function onEvent(emitter: NodeJS.EventEmitter, work: () => Promise<void>, onError: (err: unknown) => void): void {
  emitter.on('job', () => { // clean: listener that handles its promise
    work().catch(onError);
  });
  process.on('message', () => undefined); // clean: process 'message' is not a signal
}

export function drain(queue: string[], handle: (item: string) => void): void {
  const started = Date.now();
  while (queue.length > 0) { // clean: drain loop without a clock
    const item = queue.shift();
    if (item !== undefined) handle(item);
  }
  if (Date.now() - started > 1_000) handle('slow'); // clean: clock read outside a loop
}
