// Idiomatic Fastify, grammY, Hono and worker code: none of it may be reported.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Bot } from 'grammy';
import { Hono } from 'hono';
import { checksumSync } from '../lib/fs-helpers.js';

export function fastifyRoutes(app: FastifyInstance): void {
  app.get('/health', async () => ({ ok: true })); // clean: async handler without await (Fastify wants a promise)
  app.get('/sum/:text', async (req) => ({ sum: checksumSync(String(req.params)) })); // clean: the project's own *Sync
  app.addHook('onRequest', async (req) => { req.log.debug('in'); }); // clean: async request hook, no done
  app.addHook('onResponse', (req, reply, done) => { done(); }); // clean: callback hook that calls done
  app.addHook('onClose', async () => { await sleep(0); }); // clean: app hook that resolves undefined
  app.setErrorHandler(async (err, req, reply) => reply.code(500).send({ error: err.message })); // clean: error handler resolves the reply
  app.get('/file', async () => readFile('static.txt', 'utf8')); // clean: async fs in a handler
}

export function grammyHandlers(bot: Bot): void {
  bot.command('start', async (ctx) => { await ctx.reply('hi'); }); // clean: grammY command handler
  bot.on('message:text', async (ctx) => ctx.reply(ctx.message.text)); // clean: returns the reply promise
  bot.use(async (ctx, next) => { await next(); }); // clean: middleware that awaits next
  bot.catch((err) => { console.error(err.message); }); // clean: bot.catch is not a process handler
}

export function honoApp(): Hono {
  const app = new Hono();
  app.get('/', (c) => c.text('ok')); // clean: Hono sync handler
  app.post('/echo', async (c) => c.json({ id: c.req.param('id') })); // clean: Hono async handler, no await
  app.use(async (c, next) => { await next(); }); // clean: Hono middleware
  return app;
}

export async function workerLoop(signal: AbortSignal, claim: () => Promise<string | null>, run: (job: string) => Promise<void>): Promise<void> {
  while (!signal.aborted) { // clean: a poll loop that awaits
    const job = await claim();
    if (job === null) {
      await sleep(500, undefined, { signal }).catch(() => undefined);
      continue;
    }
    await run(job);
  }
}

export async function retry<T>(attempts: number, work: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) { // clean: retry loop with backoff, awaits
    try {
      return await work();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(2 ** i * 100);
    }
  }
}

export async function waitReady(emitter: NodeJS.EventEmitter, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) { // clean: clock-polling loop that awaits
    await sleep(50);
  }
  await once(emitter, 'ready'); // clean: events.once on our own emitter
}

export function batch(queue: number[], deadline: number): number {
  let total = 0;
  while (queue.length > 0 && Date.now() < deadline) total += queue.shift() ?? 0; // clean: time-boxed work loop
  return total;
}

export class Counter {
  private count = 0; // clean: plain instance field
  private readonly started = Date.now(); // clean: a clock read in a field initializer
  static readonly limit = Number(process.env.LIMIT ?? 10); // clean: static field reads env once
  inc(): number {
    this.count += 1;
    return this.count - this.started;
  }
}

export const matcher = /^[a-z][a-z0-9-]*$/; // clean: linear regex
// The popular email check backtracks polynomially on 'a@' + '.'.repeat(n): a true R2.4 finding.
export const emails = /^[^\s@]+@[^\s@]+\.[^\s@]+$/; // expect: R2.4
export const domain = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/; // clean: repeated group with a fixed separator
export const timer = setTimeout(() => undefined, 10); // clean: setTimeout is not an interval

interface Strategy { scan(): Promise<number[]> }
export class FixedStrategy implements Strategy {
  async scan(): Promise<number[]> { return [1]; } // clean: async method fulfilling an interface
}
export abstract class JobModule {
  abstract work: (name: string) => Promise<void>;
}
export class LogModule extends JobModule {
  work = async (name: string) => { console.log(name); }; // clean: async field arrow fulfilling an abstract member
}
export function schedule(add: (job: { name: string; handler: () => Promise<void> }) => void): void {
  add({ name: 'noop', handler: async () => { console.log('tick'); } }); // clean: async handler in an object handed to a call
  add({ name: 'method', async handler() { console.log('tock'); } }); // clean: async method in an object handed to a call
}
