import { afterEach, describe, expect, it } from 'vitest';
import { exitWithin, killAll, startBuilt, type BuiltProcess } from './helpers/process.js';

// The contract of src/startup/stop.ts, on a small program built on it (test/fixtures/stop-program.mjs)
// whose startup and stop wait, finish or fail as each test asks. Every wait in the fixture lasts
// an hour, so a test can only pass when the stop's own rule ends the process: no test races a timer.

const EXIT_BUDGET_MS = 20_000; // a bound of the test only, for slow shared machines
const SHORT_MS = '200';

function start(env: Record<string, string>): BuiltProcess {
  return startBuilt(env, [], 'test/fixtures/stop-program.mjs');
}

async function started(env: Record<string, string> = {}): Promise<BuiltProcess> {
  const program = start(env);
  await program.waitForLog((l) => l.msg === 'started');
  return program;
}

const count = (program: BuiltProcess, msg: string) => program.logs.filter((l) => l.msg === msg).length;
/** Where the first line with this message is in the program's log (-1: nowhere). */
const at = (program: BuiltProcess, msg: string) => program.logs.findIndex((l) => l.msg === msg);

afterEach(async () => {
  await killAll();
});

describe('the stop (src/startup/stop.ts)', () => {
  it('SIGTERM: the stop runs, then the flush after the drain within what is left of the budget, exit 0', async () => {
    const program = await started({ FLUSH: '1' });
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
    const [shutting, stopped, flushing, closed] = [at(program, 'shutting down'), at(program, 'stopped'), at(program, 'flushing'), at(program, 'closed')];
    expect(shutting).toBeGreaterThanOrEqual(0);
    expect(stopped).toBeGreaterThan(shutting);
    expect(flushing).toBeGreaterThan(stopped);
    expect(closed).toBeGreaterThan(flushing);
    const { timeoutMs } = program.logs[flushing]!;
    expect(timeoutMs).toBeGreaterThan(0); // an hour's budget: there is time left
    expect(timeoutMs).toBeLessThanOrEqual(3_600_000);
  });

  it('the exit waits until the logger has written its last lines, so none is lost or out of order', async () => {
    const program = await started({ LOG_FLUSH: '1' });
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(program.logs.slice(-2).map((l) => l.msg)).toEqual(['closed', 'logger flushed']);
  });

  it('a signal during a startup that waits on the network aborts the wait: exit 0, nothing started', async () => {
    const program = start({ STARTUP: 'wait' });
    await program.waitForLog((l) => l.msg === 'starting');
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(count(program, 'stopped during startup')).toBe(1);
    expect(count(program, 'started')).toBe(0);
    expect(count(program, 'closed')).toBe(1);
  });

  it('a second signal during the stop exits 1 at once', async () => {
    const program = await started({ STOP: 'wait' });
    program.child.kill('SIGTERM');
    await program.waitForLog((l) => l.msg === 'shutting down');
    program.child.kill('SIGINT');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(count(program, 'second signal, exiting now')).toBe(1);
    expect(count(program, 'closed')).toBe(0);
  });

  it('a stop that outlives its budget exits 1', async () => {
    const program = await started({ STOP: 'wait', BUDGET_MS: SHORT_MS });
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(count(program, 'shutdown timed out, exiting')).toBe(1);
    expect(count(program, 'closed')).toBe(0);
  });

  it('past the budget the overrun step runs, then exit 1', async () => {
    const program = await started({ STOP: 'wait', BUDGET_MS: SHORT_MS, OVERRUN: 'finish' });
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(program.logs.filter((l) => l.msg === 'overrun step').map((l) => l.budgetMs)).toEqual([Number(SHORT_MS)]);
    expect(at(program, 'overrun step finished')).toBeGreaterThan(at(program, 'overrun step'));
    expect(at(program, 'shutdown timed out, exiting')).toBeGreaterThan(at(program, 'overrun step finished'));
    expect(count(program, 'shutdown timed out, exiting')).toBe(1);
  });

  it('an overrun step that hangs is cut at its own timeout: exit 1', async () => {
    const program = await started({ STOP: 'wait', BUDGET_MS: SHORT_MS, OVERRUN: 'wait', OVERRUN_MS: SHORT_MS });
    program.child.kill('SIGTERM');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(count(program, 'overrun step')).toBe(1);
    expect(count(program, 'overrun step finished')).toBe(0);
    expect(count(program, 'shutdown timed out, exiting')).toBe(1);
  });

  it('a fatal error stops with the shorter fatal budget and exits 1 (R4.7)', async () => {
    // the signal budget is an hour: only the fatal budget can end this stop
    const program = await started({ STOP: 'wait', FATAL_BUDGET_MS: SHORT_MS });
    program.child.stdin?.write('boom\n');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(JSON.stringify(program.logs.find((l) => l.msg === 'fatal error, shutting down')?.err)).toContain('boom from the stop fixture');
    expect(count(program, 'shutdown timed out, exiting')).toBe(1);
  });

  it('a fatal error whose stop finishes: closed, still exit 1', async () => {
    const program = await started();
    program.child.stdin?.write('boom\n');
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(at(program, 'stopped')).toBeGreaterThanOrEqual(0);
    expect(at(program, 'closed')).toBeGreaterThan(at(program, 'stopped'));
  });

  it('a startup that fails by itself: the handlers are gone, failed() runs, exit 1, no stop', async () => {
    const program = start({ STARTUP: 'fail' });
    const exit = await exitWithin(program, EXIT_BUDGET_MS);
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(count(program, 'failed to start')).toBe(1);
    // with the handlers still installed, the process running out of work would start a stop (exit 0)
    expect(count(program, 'shutting down')).toBe(0);
  });
});
