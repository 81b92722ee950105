// R1.1/R2.2/R2.3: packages that block or re-enter the loop, and sync child processes.
import deasync from 'deasync'; // expect: R1.1
import { createSyncFn } from 'synckit'; // expect: R1.1
import request from 'sync-request'; // expect: R2.2
import syncFetch from 'sync-fetch'; // expect: R2.2
import Database from 'better-sqlite3'; // expect: R2.3
import { XMLHttpRequest } from 'xmlhttprequest'; // expect: R2.2
import { execSync, spawnSync, execFile } from 'node:child_process'; // expect: R2.3
import * as cp from 'child_process';

export async function fetchAll(): Promise<string[]> {
  const sleep = deasync<void>((cb) => setTimeout(() => cb(null, undefined), 10));
  sleep();
  const rpc = createSyncFn<string>('./worker.js');
  const body = request('GET', 'http://127.0.0.1:1/').getBody('utf8');
  const text = syncFetch('http://127.0.0.1:1/').text();
  const row = new Database('db.sqlite').prepare('select 1').get(); // expect: R2.3
  new XMLHttpRequest().open('GET', 'http://127.0.0.1:1/', false);
  const out = execSync('sleep 1').toString(); // expect: R2.3
  spawnSync('true'); // expect: R2.3
  cp.execFileSync('true'); // expect: R2.3
  const lazy = await import('sync-fetch'); // expect: R2.2
  execFile('true', () => {});
  return [rpc(), body, text, String(row), out, String(lazy)];
}
