import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import pg from 'pg';
import { expect } from 'vitest';
import type { OptionValues, TemplateId } from '../../generators/shared/registry.js';

const MINUTES = 60_000;
/** A schema of its own, so this run's queue table never meets another's. */
const E2E_SCHEMA = `loopsvc_e2e_${process.pid}`;

/** How to run each template's built program briefly: its environment and what it prints once up. */
export interface Smoke {
  title: string;
  env: (options: OptionValues) => Record<string, string>;
  /** why this combination cannot run here (a missing service), or undefined */
  skip?: (options: OptionValues) => string | undefined;
  /** one-off setup before the start (a migration), given the same environment */
  prepare?: (project: string, env: Record<string, string>, options: OptionValues) => Promise<void>;
  cleanup?: (env: Record<string, string>, options: OptionValues) => Promise<void>;
  /** a line of stdout/stderr that shows the program is up (or, for `exitCode` 1, why it stopped) */
  ready: RegExp;
  /** checks while it runs, given what `ready` matched */
  probe?: (match: RegExpExecArray) => Promise<void>;
  /** what a SIGTERM (or the start itself) must end with */
  exitCode: number;
}

export const SMOKE: Record<TemplateId, Smoke> = {
  'http-fastify': {
    title: 'the built service answers /live and /ready and exits 0 on SIGTERM',
    env: () => ({ HOST: '127.0.0.1', PORT: '0', DRAIN_DELAY_MS: '100', SHUTDOWN_TIMEOUT_MS: '5000' }),
    ready: /listening at (http:\/\/127\.0\.0\.1:\d+)/i,
    probe: async (match) => {
      expect((await fetch(`${match[1]}/live`)).status).toBe(200);
      expect((await fetch(`${match[1]}/ready`)).status).toBe(200);
    },
    exitCode: 0,
  },
  // Its own lifecycle tests run it against a fake Bot API; here: the real binary's config check.
  'telegram-grammy': {
    title: 'the built bot refuses to start without BOT_TOKEN, with one line naming it',
    env: () => ({ BOT_TOKEN: '' }),
    ready: /^invalid configuration: .*\bBOT_TOKEN\b.*$/m,
    exitCode: 1,
  },
  worker: {
    title: 'the built worker starts and exits 0 on SIGTERM',
    env: (options) => ({
      LOG_LEVEL: 'info',
      POLL_INTERVAL_MS: '200',
      ...(options.source === 'postgres'
        ? { DATABASE_URL: process.env.DATABASE_URL ?? '', QUEUE_SCHEMA: E2E_SCHEMA }
        : options.source === 'redis'
          ? { REDIS_URL: process.env.REDIS_URL ?? '', QUEUE_PREFIX: E2E_SCHEMA }
          : { EXAMPLE_JOBS: '[]' }),
    }),
    skip: (options) =>
      options.source === 'postgres' && !process.env.DATABASE_URL
        ? 'set DATABASE_URL=postgres://user@127.0.0.1:5432/db to run the PostgreSQL worker (.ci/run does)'
        : options.source === 'redis' && !process.env.REDIS_URL
          ? 'set REDIS_URL=redis://127.0.0.1:6379 to run the Redis worker (.ci/run does)'
          : undefined,
    prepare: async (project, env, options) => {
      if (options.source === 'postgres') await execa('node', ['dist/migrate.js'], { cwd: project, env });
    },
    cleanup: async (env, options) => {
      if (options.source !== 'postgres') return; // BullMQ wrote no keys: no job was added
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${E2E_SCHEMA} CASCADE`);
      await client.end();
    },
    ready: /"msg":"worker started"/,
    exitCode: 0,
  },
};


/**
 * Starts a built program (`node dist/main.js`, or what a Dockerfile's CMD says) as its template's
 * smoke test describes, probes it, stops it with SIGTERM where it should keep running, and checks
 * how it ended. `during` runs extra checks while it is up (a HEALTHCHECK command, say).
 */
export async function runSmoke(options: {
  template: TemplateId;
  templateOptions: OptionValues;
  cwd: string;
  command?: readonly string[];
  during?: (match: RegExpExecArray) => Promise<void>;
}): Promise<void> {
  const smoke = SMOKE[options.template];
  const env = smoke.env(options.templateOptions);
  await smoke.prepare?.(options.cwd, env, options.templateOptions);
  try {
    const [command = 'node', ...args] = options.command ?? ['node', 'dist/main.js'];
    const child = execa(command, args, { cwd: options.cwd, env, all: true, reject: false, timeout: MINUTES });
    const match = await waitFor(child.all, child, smoke.ready);
    await smoke.probe?.(match);
    if (smoke.exitCode === 0) await options.during?.(match);
    if (smoke.exitCode === 0) child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, String(result.all)).toBe(smoke.exitCode);
    if (smoke.exitCode !== 0) expect(String(result.all).trim().split('\n'), 'a refusal is one line').toHaveLength(1);
  } finally {
    await smoke.cleanup?.(env, options.templateOptions);
  }
}

/** Resolves with the first match of `pattern` in the output, or rejects on exit or after 30 s. */
export function waitFor(output: Readable, process: EventEmitter, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} after 30 s:\n${seen}`)), 30_000);
    output.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    process.once('exit', () => {
      const match = pattern.exec(seen);
      if (match) resolve(match);
      else reject(new Error(`exited before ${String(pattern)}:\n${seen}`));
    });
  });
}
