// Child processes for the benchmarks: run a command to completion (bounded), or start a service
// and watch its output. Every wait here has a deadline: a benchmark never hangs on a stuck process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const LOOP_GUARD = fileURLToPath(new URL('./loop-guard.cjs', import.meta.url));

// Services still running when the benchmark itself ends (an error, Ctrl-C) are killed with it.
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Runs a command to its end; rejects on a non-zero exit or after `timeoutMs` (then SIGKILLs it). */
export async function run(cmd, args, { cwd, env, timeoutMs = 300_000, quiet = true } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code ?? signal}:\n${out.slice(-3000)}`);
  if (!quiet) process.stdout.write(out);
  return out;
}

/** Wall-clock milliseconds of one run of a command (spawn to exit). */
export async function timeRun(cmd, args, options) {
  const t0 = performance.now();
  await run(cmd, args, options);
  return performance.now() - t0;
}

/** A port free right now on 127.0.0.1 (for servers that cannot listen on port 0, like `fastify start`). */
export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts a long-running process with the loop guard preloaded. Collects stdout lines (JSON when
 * they parse) and stderr; `exited` resolves with { code, signal, at } (performance.now()).
 */
export function startProcess(cmd, args, { cwd, env = {}, guard = true } = {}) {
  const nodeArgs = guard ? ['--require', LOOP_GUARD] : [];
  const child = spawn(cmd, [...nodeArgs, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs = [];
  const listeners = new Set();
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const text of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(text));
      } catch {
        logs.push({ msg: text });
      }
    }
    for (const l of listeners) l();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.on('error', () => {}); // the process may exit before we write the warm-up line
  live.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      for (const l of listeners) l();
      resolve({ code, signal, at: performance.now() });
    });
  });

  /** Resolves with the first log line matching `match`; rejects on exit or after `timeoutMs`. */
  const waitForLog = (match, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) finish(() => resolve(found));
        else if (child.exitCode !== null || child.signalCode !== null)
          finish(() => reject(new Error(`process exited before the expected log line; stderr: ${stderr.slice(-2000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching log line in ${timeoutMs} ms; last: ${JSON.stringify(logs.slice(-5))} ${stderr.slice(-1000)}`))), timeoutMs);
      const finish = (then) => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    logs,
    exited,
    waitForLog,
    stderr: () => stderr,
    /** Ends the loop guard's warm-up: from now on only serving and shutting down count. */
    endWarmup: () => child.stdin.write('warm\n'),
    /** Asks the loop guard for its figures so far and resolves with them ({ p50Ms, p99Ms, maxMs, elu }). */
    requestLoopReport: async (timeoutMs = 2_000) => {
      const before = stderr.length;
      child.stdin.write('report\n');
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        const line = stderr.slice(before).split('\n').find((l) => l.startsWith('LOOP-GUARD '));
        if (line) return JSON.parse(line.slice('LOOP-GUARD '.length));
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    },
    /** The loop guard's report written at exit, once the process has exited. */
    exitLoopReport: () => {
      const line = stderr.split('\n').find((l) => l.startsWith('LOOP-GUARD ') && l.includes('"at":"exit"'));
      return line ? JSON.parse(line.slice('LOOP-GUARD '.length)) : undefined;
    },
  };
}

/** Resolves with the exit, or SIGKILLs the process after `timeoutMs` and resolves with `{ killed: true }`. */
export async function exitWithin(proc, timeoutMs) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const exit = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (exit) return exit;
  proc.child.kill('SIGKILL');
  return { ...(await proc.exited), killed: true };
}

/** SIGKILLs a process if it still runs (cleanup after a failed measurement). */
export async function ensureDead(proc) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** One GET; resolves with the status code, or 0 on a connection error. */
export function getStatus(url, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Polls `url` every 5 ms until it answers 200; resolves with performance.now() of that answer. */
export async function waitFor200(url, proc, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`process exited before answering ${url}: ${proc.stderr().slice(-2000)}`);
    if ((await getStatus(url, 500)) === 200) return performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident set size of a process in bytes (Linux /proc), or undefined elsewhere. */
export async function rssBytes(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Median of a list of numbers (undefined for an empty list). */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
