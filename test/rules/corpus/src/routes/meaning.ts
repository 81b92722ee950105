// Blocking calls found by what they resolve to, however they are reached (R2.1, R2.3, R2.4).
import { createRequire } from 'node:module';
import { fork } from 'node:child_process';
import * as cp from 'node:child_process';
import { Worker as Thread } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { execaSync, execa } from 'execa';
import { glob, sync as globSync } from 'glob';
import Database from 'better-sqlite3'; // expect: R2.3
import Configstore from 'configstore';
import { checksumSync, existsSync, io, readText } from '../lib/fs-helpers.js';
import * as helpers from '../lib/fs-helpers.js';

const require = createRequire(import.meta.url);
const store = new Configstore('my-service');
const db = new Database('app.db'); // clean: sqlite opened once at startup; opened once at startup

class ReportService {
  private readonly template = readText('report.tpl', 'utf8'); // expect: R2.3
  private readonly seen = new Map<string, number>();

  constructor(private readonly dir: string) {
    if (!existsSync(dir)) throw new Error(`no ${dir}`); // expect: R2.3
  }

  render(name: string): string {
    this.seen.set(name, checksumSync(name));
    return this.template.replace('{{name}}', name);
  }
}

export function routes(app: FastifyInstance): void {
  app.get('/meaning', async () => {
    const { gzipSync } = await import('node:zlib');
    const packed = gzipSync('data'); // expect: R2.3
    const size = io.stat('x').size; // expect: R2.3
    const here = helpers.existsSync('y'); // expect: R2.3
    const files = globSync('**/*.json'); // expect: R2.3
    const all = await glob('**/*.ts'); // clean: glob's promise API
    const out = execaSync('ls'); // expect: R2.3
    const async = await execa('ls'); // clean: execa's async API
    store.set('last', Date.now()); // expect: R2.3
    const row = db.prepare('select 1').get(); // expect: R2.3
    const report = new ReportService('/tmp').render('x');
    const { template } = await import('../lazy/report.js');
    return { packed, size, here, files, all, out: out.stdout, async: async.stdout, row, report, template };
  });

  app.post('/spawn', async () => {
    const child = fork('job.js'); // expect: R2.4
    const other = cp.fork('job.js'); // expect: R2.4
    const thread = new Thread('./hash.js'); // expect: R2.4
    const sab = new Int32Array(new SharedArrayBuffer(4));
    const A = Atomics;
    A.wait(sab, 0, 0, 10); // expect: R2.1
    const loaded: unknown = require('deasync'); // expect: R1.1
    await Promise.resolve();
    return { child: child.pid, other: other.pid, thread: thread.threadId, loaded };
  });
}
