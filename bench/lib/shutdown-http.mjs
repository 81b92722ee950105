// Measurement 3 for HTTP: time from SIGTERM to exit, idle and under load, with every request's
// outcome recorded (recording-client.mjs): our http-fastify service against the project
// create-fastify generates, run under its own runner (`fastify start`, invoked directly with
// node so that the signal reaches it: through `npm start` it would not, RULEBOOK P16).
import { binOf } from './peers.mjs';
import { ourHttpEnv } from './http.mjs';
import { ensureDead, exitWithin, freePort, median, sleep, startProcess, waitFor200 } from './proc.mjs';
import { startRecordingLoad } from './recording-client.mjs';

export async function shutdownServers(projects) {
  const fastifyCli = await binOf(projects['create-fastify'], 'fastify-cli', 'fastify');
  return [
    {
      id: 'ours',
      label: 'create-loopsvc http-fastify',
      path: '/live', // /ready answers 503 from the signal on, by design (readiness)
      start: (port) => startProcess(process.execPath, ['dist/main.js'], { cwd: projects.http, env: ourHttpEnv(port) }),
    },
    {
      id: 'create-fastify',
      label: 'create-fastify project (fastify start)',
      path: '/',
      start: (port) =>
        startProcess(process.execPath, [fastifyCli, 'start', '-l', 'info', '-a', '127.0.0.1', '-p', String(port), 'app.js'], {
          cwd: projects['create-fastify'],
        }),
    },
  ];
}

/** One run: start, optionally put it under recorded load, SIGTERM, wait for the exit. */
async function oneRun(server, { loaded, loadMs, connections }) {
  const port = await freePort();
  const proc = server.start(port);
  try {
    await waitFor200(`http://127.0.0.1:${port}${server.path}`, proc);
    proc.endWarmup();
    const load = loaded ? startRecordingLoad({ origin: `http://127.0.0.1:${port}`, path: server.path, connections, deadlineMs: loadMs + 30_000 }) : undefined;
    await sleep(loaded ? loadMs : 300);
    load?.mark();
    const signalledAt = performance.now();
    proc.child.kill('SIGTERM');
    const exit = await exitWithin(proc, 30_000);
    const counts = load ? await load.stop() : undefined;
    return { exitMs: exit.at - signalledAt, code: exit.killed ? 'killed' : (exit.code ?? exit.signal), counts, loop: proc.exitLoopReport() };
  } finally {
    await ensureDead(proc);
  }
}

/** Runs each server `reps` times idle and `reps` times under load; medians of times, sums of counts. */
export async function measureHttpShutdown({ projects, reps, loadMs, connections, log }) {
  const servers = await shutdownServers(projects);
  const results = [];
  for (const loaded of [false, true]) {
    const runs = new Map(servers.map((s) => [s.id, []]));
    for (let i = 0; i < reps; i += 1) {
      for (const s of i % 2 === 0 ? servers : [...servers].reverse()) runs.get(s.id).push(await oneRun(s, { loaded, loadMs, connections }));
    }
    for (const s of servers) {
      const list = runs.get(s.id);
      const sum = (k) => list.reduce((n, r) => n + (r.counts?.[k] ?? 0), 0);
      results.push({
        id: s.id,
        label: s.label,
        loaded,
        exitMs: median(list.map((r) => r.exitMs)),
        codes: [...new Set(list.map((r) => r.code))].join('/'),
        ...(loaded
          ? { okBefore: sum('okBefore'), okAfter: sum('okAfter'), status503: sum('status503'), otherStatus: sum('otherStatus'), lostInFlight: sum('lostInFlight'), resetOnConnect: sum('resetOnConnect'), refused: sum('refused') }
          : {}),
        loopP99: median(list.map((r) => r.loop?.p99Ms)),
        loopMax: Math.max(...list.map((r) => r.loop?.maxMs ?? 0)),
      });
    }
    log(`http shutdown ${loaded ? 'under load' : 'idle'}: ${reps} runs each`);
  }
  return results;
}
