// Code that only LOOKS like a loop-rule violation: none of it may be reported.
import { readFileSync } from 'node:fs';
import { Worker } from 'bullmq';
import * as yup from 'yup';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { checksumSync } from '../lib/fs-helpers.js';

// Data fields whose names end in Sync.
interface Settings {
  autoSync: boolean; // clean: field named autoSync
  lastSync: Date | null; // clean: field named lastSync
}
export const settings: Settings = { autoSync: true, lastSync: null };
export const syncState = { lastSync: () => settings.lastSync }; // clean: method named lastSync

// Module top level of a module loaded at startup: runs once, before serving.
const banner = readFileSync(new URL('../../package.json', import.meta.url), 'utf8'); // clean: top-level read of a startup module
const lines = ['a', 'b'].map((name) => readFileSync(`${name}.txt`, 'utf8')); // clean: array iteration at top level

class Templates {
  static readonly header = readFileSync('header.html', 'utf8'); // clean: static field runs at class definition
}

// yup's validateSync is pure, in-memory validation.
const schema = yup.object<{ name: string }>({ name: yup.string() });

// BullMQ's Worker is a Redis consumer, not a thread.
export function startConsumer(connection: unknown): Worker {
  return new Worker('emails', async (job) => { // clean: BullMQ Worker is not a thread
    await Promise.resolve(job.data);
  }, { connection });
}

// A plugin body runs at registration, before listen().
export default fp(async function files(app: FastifyInstance) {
  const certificate = readFileSync('cert.pem', 'utf8'); // clean: plugin body runs at registration
  app.decorate('certificate', certificate);
  app.get('/check', async (req) => {
    const body = schema.validateSync(req.body); // clean: yup validateSync is pure
    await Promise.resolve();
    return { body, sum: checksumSync(body.name), banner: banner.length, lines, header: Templates.header };
  });
});

function loadKeys(): string {
  return readFileSync('keys.pem', 'utf8'); // clean: local function only called at startup
}
export const keys = loadKeys();

// A poll loop that awaits: sequential on purpose, not a busy-wait.
export async function poll(signal: AbortSignal, next: () => Promise<boolean>): Promise<void> {
  while (!signal.aborted) { // clean: poll loop that awaits
    const more = await next();
    if (!more) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
