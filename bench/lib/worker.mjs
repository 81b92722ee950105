// Measurement 3 (and 4) for the worker (memory source): SIGTERM while idle, and while jobs are in
// flight. Outcomes come from the worker's own JSON log: every claimed job must be acked or released
// back to the queue; a claimed job with neither is lost work. Jobs never claimed stay queued (the
// memory source drops them at exit by design; the PostgreSQL source keeps them).
import { ensureDead, exitWithin, median, sleep, startProcess } from './proc.mjs';

function startWorker(dir, env) {
  return startProcess(process.execPath, ['dist/main.js'], { cwd: dir, env: { CPU_POOL_THREADS: '1', SHUTDOWN_TIMEOUT_MS: '15000', ...env } });
}

async function oneRun(dir, { loaded, jobs, mailLatencyMs, concurrency }) {
  const exampleJobs = loaded
    ? [{ type: 'report.render', payload: { rows: 200_000 }, count: 2 }, { type: 'email.send', payload: { to: 'a@example.com', subject: 'bench' }, count: jobs }]
    : [];
  const proc = startWorker(dir, {
    EXAMPLE_JOBS: JSON.stringify(exampleJobs),
    POLL_INTERVAL_MS: loaded ? '100' : '60000', // idle: SIGTERM must cut the 60 s wait short
    ...(loaded ? { MAIL_LATENCY_MS: String(mailLatencyMs), CONCURRENCY: String(concurrency) } : {}),
  });
  try {
    await proc.waitForLog((l) => l.msg === 'worker started');
    proc.endWarmup();
    if (loaded) await proc.waitForLog((l) => proc.logs.filter((x) => x.msg === 'job acked').length >= concurrency * 2, 20_000);
    else await sleep(300);
    const t0 = performance.now();
    proc.child.kill('SIGTERM');
    const exit = await exitWithin(proc, 30_000);
    const signalAt = Math.max(0, proc.logs.findIndex((l) => l.msg === 'shutting down'));
    const ids = (msg, from = 0, to = proc.logs.length) => new Set(proc.logs.slice(from, to).filter((l) => l.msg === msg).map((l) => l.jobId));
    const claimed = ids('job claimed');
    const outcomes = ['job acked', 'job released back to the queue', 'job failed, retrying', 'job dead-lettered'];
    const finished = new Set(outcomes.flatMap((msg) => [...ids(msg)]));
    const finishedBeforeSignal = new Set(outcomes.flatMap((msg) => [...ids(msg, 0, signalAt)]));
    return {
      exitMs: exit.at - t0,
      code: exit.killed ? 'killed' : (exit.code ?? exit.signal),
      inFlightAtSignal: [...ids('job claimed', 0, signalAt)].filter((id) => !finishedBeforeSignal.has(id)).length,
      lost: [...claimed].filter((id) => !finished.has(id)).length,
      claimedAfterSignal: ids('job claimed', signalAt).size,
      loop: proc.exitLoopReport(),
    };
  } finally {
    await ensureDead(proc);
  }
}

export async function measureWorker({ projects, reps, jobs, mailLatencyMs, concurrency, log }) {
  const idle = [];
  const loaded = [];
  for (let i = 0; i < reps; i += 1) {
    idle.push(await oneRun(projects.worker, { loaded: false }));
    loaded.push(await oneRun(projects.worker, { loaded: true, jobs, mailLatencyMs, concurrency }));
  }
  log(`worker: ${reps} idle + ${reps} loaded runs`);
  return {
    label: 'create-loopsvc worker (memory)',
    idleExitMs: median(idle.map((r) => r.exitMs)),
    loadedExitMs: median(loaded.map((r) => r.exitMs)),
    codes: [...new Set([...idle, ...loaded].map((r) => r.code))].join('/'),
    inFlightAtSignal: loaded.reduce((n, r) => n + r.inFlightAtSignal, 0),
    lost: loaded.reduce((n, r) => n + r.lost, 0),
    claimedAfterSignal: loaded.reduce((n, r) => n + r.claimedAfterSignal, 0),
    loopP99: median(loaded.map((r) => r.loop?.p99Ms)),
    loopMax: Math.max(...loaded.map((r) => r.loop?.maxMs ?? 0)),
  };
}
