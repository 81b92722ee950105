// Code that only LOOKS like a loop-rule violation: none of it may be reported.
import { readFileSync } from 'node:fs';
import { Worker } from 'bullmq';
import * as yup from 'yup';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { checksumSync } from '../lib/fs-helpers.js';

// Data fields whose names end in Sync.
interface Settings {
  autoSync: boolean;
  lastSync: Date | null;
}
export const settings: Settings = { autoSync: true, lastSync: null };
export const syncState = { lastSync: () => settings.lastSync };

// Module top level of a module loaded at startup: runs once, before serving.
const banner = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
const lines = ['a', 'b'].map((name) => readFileSync(`${name}.txt`, 'utf8'));

class Templates {
  static readonly header = readFileSync('header.html', 'utf8');
}

// yup's validateSync is pure, in-memory validation.
const schema = yup.object<{ name: string }>({ name: yup.string() });

// BullMQ's Worker is a Redis consumer, not a thread.
export function startConsumer(connection: unknown): Worker {
  return new Worker('emails', async (job) => {
    await Promise.resolve(job.data);
  }, { connection });
}

// A plugin body runs at registration, before listen().
export default fp(async function files(app: FastifyInstance) {
  const certificate = readFileSync('cert.pem', 'utf8');
  app.decorate('certificate', certificate);
  app.get('/check', async (req) => {
    const body = schema.validateSync(req.body);
    await Promise.resolve();
    return { body, sum: checksumSync(body.name), banner: banner.length, lines, header: Templates.header };
  });
});

function loadKeys(): string {
  return readFileSync('keys.pem', 'utf8');
}
export const keys = loadKeys();

// A poll loop that awaits: sequential on purpose, not a busy-wait.
export async function poll(signal: AbortSignal, next: () => Promise<boolean>): Promise<void> {
  while (!signal.aborted) {
    const more = await next();
    if (!more) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
