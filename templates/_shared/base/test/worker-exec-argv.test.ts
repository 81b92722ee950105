import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/startup/worker-exec-argv.js';

// P24: with require(esm) off in a pool's threads, piscina loads the task file with import(), so a
// thread terminated while it starts cannot abort the process. (The crash is a race of microseconds,
// about one stop in 200 right after a start: no test can cause it at will, so this one checks what
// prevents it, on the Node line that runs the tests.)

const FEATURES_TASK = new URL('./fixtures/thread-features.mjs', import.meta.url).href;

describe('the worker threads of a pool (src/startup/worker-exec-argv.ts)', () => {
  it('cannot require() an ES module, so piscina loads the task file with import() (P24)', async () => {
    const built = workerExecArgv(new URL('../dist/pool.js', import.meta.url).href); // as in dist/
    expect(built).toEqual(['--no-experimental-require-module']);
    const pool = new Piscina({ filename: FEATURES_TASK, minThreads: 1, maxThreads: 1, execArgv: built });
    try {
      expect(await pool.run(null)).toEqual({ requireModule: false });
    } finally {
      await pool.close();
    }
    expect(process.features.require_module).toBe(true); // the main thread is left as it is
  });

  it('get the TypeScript loader when the pool runs from source (tsx in dev, vitest)', () => {
    expect(workerExecArgv(import.meta.url)).toEqual(['--import', 'tsx', '--no-experimental-require-module']);
  });
});
