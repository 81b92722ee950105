// R1.2/R4.1: signal and exit handling outside main, in the forms other than process.on.
import { on, once } from 'node:events';
import * as events from 'node:events';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export async function waitForStop(): Promise<string> {
  await once(process, 'SIGTERM'); // expect: R4.1
  await events.once(process, 'SIGINT'); // expect: R4.1
  for await (const _ of on(process, 'SIGHUP')) break; // expect: R4.1
  return 'stopped';
}

export function selfDestruct(ms: number): void {
  setTimeout(process.exit, ms, 1); // expect: R1.2
  process.kill(process.pid, 'SIGTERM'); // expect: R1.2
}

export function install(proc: NodeJS.Process, onStop: () => void): void {
  proc.on('SIGTERM', onStop); // expect: R4.1
  proc.exitCode = 1;
}

export default async function gracePlugin(app: FastifyInstance): Promise<void> {
  closeWithGrace({ delay: 500 }, async () => { await app.close(); }); // expect: R4.1
  await Promise.resolve();
}

// Clean: listening to our own emitters, signalling a child, reading process fields.
export async function clean(emitter: NodeJS.EventEmitter, childPid: number): Promise<unknown> {
  process.kill(childPid, 'SIGTERM'); // clean: signalling a child
  const [value] = await once(emitter, 'ready'); // clean: events.once on an emitter
  return { value, pid: process.pid, argv: process.argv.length }; // clean: reading process fields
}
