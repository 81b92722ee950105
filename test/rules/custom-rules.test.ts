import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { loadPlugin } from './helpers.js';

// RuleTester cases for each custom rule of the loopsvc plugin (templates/_shared/base/eslint/loop-rules/rules).
// Type-aware behaviour (a user's own *Sync function) is covered by the corpus test.

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const { rules } = await loadPlugin();
const js = new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } });
const ts = new RuleTester({ languageOptions: { parser: tseslint.parser, sourceType: 'module' } });
const rule = (name: string) => {
  const r = rules[name];
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};

js.run('no-blocking-import', rule('no-blocking-import'), {
  valid: [
    "import { execFile } from 'node:child_process';",
    "import { readFile } from 'node:fs/promises';",
    "import fetch from 'node-fetch';",
    "const { spawn } = require('child_process');",
    "import('undici');",
  ],
  invalid: [
    { code: "import deasync from 'deasync';", errors: [{ messageId: 'package' }] },
    { code: "import { awaitSync } from '@kaciras/deasync';", errors: [{ messageId: 'package' }] },
    { code: "import { createSyncFn } from 'synckit';", errors: [{ messageId: 'package' }] },
    { code: "const request = require('sync-request');", errors: [{ messageId: 'package' }] },
    { code: "const f = await import('sync-fetch');", errors: [{ messageId: 'package' }] },
    { code: "export { default } from 'better-sqlite3';", errors: [{ messageId: 'package' }] },
    { code: "import x from 'xmlhttprequest/lib/XMLHttpRequest.js';", errors: [{ messageId: 'package' }] },
    { code: "import { execSync, spawnSync, exec } from 'node:child_process';", errors: [{ messageId: 'childProcess' }, { messageId: 'childProcess' }] },
    { code: "const { execFileSync } = require('child_process');", errors: [{ messageId: 'childProcess' }] },
    { code: "const out = require('child_process').execSync('ls');", errors: [{ messageId: 'childProcess' }] },
    { code: "const { spawnSync } = await import('node:child_process');", errors: [{ messageId: 'childProcess' }] },
  ],
});

ts.run('no-blocking-import (TypeScript)', rule('no-blocking-import'), {
  valid: ["import type Database from 'better-sqlite3';", "import { type execSync } from 'node:child_process';"],
  invalid: [{ code: "import Database from 'better-sqlite3';", errors: [{ messageId: 'package' }] }],
});

js.run('no-hidden-sync', rule('no-hidden-sync'), {
  valid: [
    "const { readFileSync } = fs; function f() { return readFileSync('a'); }", // n/no-sync sees this call
    "const { readFile: r } = fs; async function f() { return r('a'); }",
    { code: "import { readFileSync as read } from 'node:fs'; export const config = read('c.json');", options: [{ allowAtRootLevel: true }] },
    { code: "const { readFileSync: read } = fs; const c = read('c');", options: [{ allowAtRootLevel: true }] },
    { code: "const c = fs['readFileSync']('c');", options: [{ allowAtRootLevel: true }] },
    "fs.readFileSync('a');", // a call by name: n/no-sync's job, not this rule's
    "obj.fooSync = () => 1;",
    "if (typeof fs.existsSync === 'function') {}",
    "const sync = fs.promises.readFile;",
  ],
  invalid: [
    { code: "const { readFileSync: r } = fs; function f() { return r('a'); }", errors: [{ messageId: 'alias', data: { local: 'r', name: 'readFileSync' } }] },
    { code: "const { 'statSync': s } = require('fs'); app.get('/', () => s('a'));", errors: [{ messageId: 'alias' }] },
    { code: "import { readFileSync as read } from 'node:fs'; export function f() { return read('a'); }", errors: [{ messageId: 'alias' }] },
    { code: "function f() { return fs['readFileSync']('a'); }", errors: [{ messageId: 'computed', data: { name: 'readFileSync' } }] },
    { code: 'function f() { return fs[`existsSync`]("a"); }', errors: [{ messageId: 'computed' }] },
    { code: "function f() { const read = fs.readFileSync; }", errors: [{ messageId: 'value', data: { name: 'readFileSync' } }] },
    { code: "app.get('/', () => files.map(fs.statSync));", errors: [{ messageId: 'value' }] },
    { code: "const { readFileSync: read } = fs; const c = read('c'); export function f() { return read('d'); }", options: [{ allowAtRootLevel: true }], errors: [{ messageId: 'alias', line: 1, column: 86 }] },
  ],
});

js.run('no-random-bytes-sync', rule('no-random-bytes-sync'), {
  valid: [
    'crypto.randomBytes(16, (err, buf) => {});',
    "import { randomBytes } from 'node:crypto'; randomBytes(8, cb);",
    "import { promisify } from 'node:util'; import { randomBytes } from 'node:crypto'; const r = promisify(randomBytes);",
    'function randomBytes(n) { return n; } randomBytes(3);',
    "import { randomBytes } from './my-random.js'; randomBytes(3);",
    { code: 'export const secret = crypto.randomBytes(32);', options: [{ allowAtRootLevel: true }] },
    'crypto.randomUUID();',
  ],
  invalid: [
    { code: 'export function h() { return crypto.randomBytes(16); }', errors: [{ messageId: 'sync' }] },
    { code: "import { randomBytes } from 'node:crypto'; export const f = () => randomBytes(8);", errors: [{ messageId: 'sync' }] },
    { code: "import { randomBytes as rb } from 'crypto'; export function h() { return rb(8); }", errors: [{ messageId: 'sync' }] },
    { code: "import * as c from 'node:crypto'; export function h() { return c.randomBytes(8); }", errors: [{ messageId: 'sync' }] },
    { code: "import c from 'node:crypto'; export function h() { return c['randomBytes'](8); }", errors: [{ messageId: 'sync' }] },
    { code: "const { randomBytes: r } = require('node:crypto'); export function h() { return r(8); }", errors: [{ messageId: 'sync' }] },
    { code: 'export function h() { return randomBytes(8); }', errors: [{ messageId: 'sync' }] },
    { code: 'export function f() { return crypto.randomBytes(32); }', options: [{ allowAtRootLevel: true }], errors: [{ messageId: 'sync' }] },
  ],
});

js.run('no-atomics-wait', rule('no-atomics-wait'), {
  valid: ['Atomics.notify(view, 0);', 'Atomics.waitAsync(view, 0, 0);', 'other.wait(1);'],
  invalid: [
    { code: 'Atomics.wait(view, 0, 0, 100);', errors: [{ messageId: 'wait' }] },
    { code: "Atomics['wait'](view, 0, 0);", errors: [{ messageId: 'wait' }] },
    { code: 'globalThis.Atomics.wait(view, 0, 0);', errors: [{ messageId: 'wait' }] },
    { code: 'const { wait } = Atomics;', errors: [{ messageId: 'wait' }] },
  ],
});

js.run('no-busy-wait', rule('no-busy-wait'), {
  valid: [
    'while (queue.length > 0) { handle(queue.shift()); }',
    'while (Date.now() < deadline) { await step(); }',
    'while (!signal.aborted) { await sleep(100); }',
    'for (let i = 0; i < 10; i++) {}',
    'while (true) { if (done) break; }',
    'while (true) { if (Date.now() > t) break; await tick(); }',
  ],
  invalid: [
    { code: 'while (Date.now() < t) {}', errors: [{ messageId: 'spin' }] },
    { code: 'while (performance.now() - start < ms);', errors: [{ messageId: 'spin' }] },
    { code: 'while (perf_hooks.performance.now() < t) { continue; }', errors: [{ messageId: 'spin' }] },
    { code: 'do {} while (Date.now() < t);', errors: [{ messageId: 'spin' }] },
    { code: 'for (; Date.now() < t; ) {}', errors: [{ messageId: 'spin' }] },
    { code: 'while (new Date().getTime() < t) { /* wait */ }', errors: [{ messageId: 'spin' }] },
    { code: 'while (process.hrtime.bigint() < t) {}', errors: [{ messageId: 'spin' }] },
    { code: 'while (now < t) { now = Date.now(); }', errors: [{ messageId: 'spin' }] },
    { code: 'for (;;) { if (Date.now() >= t) break; }', errors: [{ messageId: 'spin' }] },
    { code: 'while (true) { if (performance.now() > t) { break; } }', errors: [{ messageId: 'spin' }] },
  ],
});

js.run('app-hook-resolves-undefined', rule('app-hook-resolves-undefined'), {
  valid: [
    "app.addHook('onReady', async () => { await pool.connect(); });",
    "app.addHook('onClose', async (instance) => { await instance.pool.end(); return; });",
    "app.addHook('onReady', async () => undefined);",
    "app.addHook('onReady', (done) => { pool.connect().then(() => done(), done); });",
    "app.addHook('onRequest', async (req) => req.id);",
    "app.addHook('preClose', async () => { const f = () => 1; await pool.end(f()); });",
  ],
  invalid: [
    { code: "app.addHook('onReady', async () => pool.connect());", errors: [{ messageId: 'concise', data: { hook: 'onReady' } }] },
    { code: "fastify.addHook('preClose', async () => log('closing'));", errors: [{ messageId: 'concise' }] },
    { code: "app.addHook('onClose', async function () { return pool.end(); });", errors: [{ messageId: 'returns' }] },
    { code: "app.addHook('onListen', async () => { if (x) { return x; } });", errors: [{ messageId: 'returns' }] },
  ],
});

js.run('process-in-main-only', rule('process-in-main-only'), {
  valid: [
    "process.on('message', onMessage);",
    "process.on('warning', console.warn);",
    'process.exit(1);', // n/no-process-exit reports the plain form
    'process.exitCode = 1;',
    "emitter.on('SIGTERM', stop);",
  ],
  invalid: [
    { code: "process.on('SIGTERM', stop);", errors: [{ messageId: 'handler', data: { method: 'on', event: 'SIGTERM', root: 'src/main.*' } }] },
    // the fix names the composition root the config was given
    {
      code: "process.on('SIGTERM', stop);",
      options: [{ root: 'server.js' }],
      errors: [{ message: "R4.1: process.on('SIGTERM') outside the composition root. Fix: install it in server.js (the composition root), or export a function that it calls." }],
    },
    { code: "process.once('SIGINT', () => stop());", errors: [{ messageId: 'handler' }] },
    { code: "process.on('unhandledRejection', log);", errors: [{ messageId: 'handler' }] },
    { code: "process.prependListener('uncaughtException', log);", errors: [{ messageId: 'handler' }] },
    { code: "process.on('beforeExit', flush);", errors: [{ messageId: 'handler' }] },
    { code: 'process.on(signal, stop);', errors: [{ messageId: 'dynamicHandler' }] },
    { code: "import p from 'node:process'; p.on('SIGTERM', stop);", errors: [{ messageId: 'handler' }] },
    { code: "process['exit'](1);", errors: [{ messageId: 'exit' }] },
    { code: "import proc from 'process'; proc.exit(1);", errors: [{ messageId: 'exit' }] },
    { code: "import { exit } from 'node:process';", errors: [{ messageId: 'exit' }] },
    { code: 'const { exit } = process;', errors: [{ messageId: 'exit' }] },
    { code: "globalThis.process.on('SIGTERM', stop);", errors: [{ messageId: 'handler' }] },
  ],
});

js.run('no-worker-outside-pool', rule('no-worker-outside-pool'), {
  valid: [
    'pool.run(data);',
    'new URL("./task.js", import.meta.url);',
    'new Map();',
    // BullMQ's Worker consumes a queue; it starts no thread
    { code: "import { Worker } from 'bullmq'; new Worker('jobs', run, { connection });", languageOptions: { sourceType: 'module' } },
  ],
  invalid: [
    { code: "new Worker('./task.js');", errors: [{ messageId: 'worker', data: { name: 'Worker' } }] },
    {
      code: "import { Worker } from 'node:worker_threads'; new Worker('./task.js');",
      languageOptions: { sourceType: 'module' },
      errors: [{ messageId: 'worker', data: { name: 'Worker' } }],
    },
    { code: "new threads.Worker('./task.js');", errors: [{ messageId: 'worker' }] },
    { code: "new Piscina({ filename: './task.js' });", errors: [{ messageId: 'worker', data: { name: 'Piscina' } }] },
  ],
});

describe('messages', () => {
  it('every message of every loopsvc rule names a RULEBOOK id and a fix', () => {
    for (const [name, r] of Object.entries(rules)) {
      const messages = r.meta?.messages ?? {};
      for (const [id, text] of Object.entries(messages)) {
        if (text === '{{text}}') continue; // no-blocking-import builds its text from messages.mjs
        const suggestion = /^(Add|Remove|Convert)\b/.test(text) || /Fix(Await|Void)$/.test(id);
        if (suggestion) continue;
        if (!/^R\d\.\d: .+ Fix: .+\.$/s.test(text)) throw new Error(`${name}.${id}: ${text}`);
      }
    }
  });
});
