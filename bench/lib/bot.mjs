// Measurement 3 (and 4) for the bot: the generated telegram-grammy bot (polling, and polling with
// --runner) against grammY's documented skeleton, on the same fake Bot API. Under load: a batch
// of updates whose replies each take `replyDelayMs`, SIGTERM once a few are answered, then a
// second instance of the same program takes over; every update must be answered exactly once.
import { fileURLToPath } from 'node:url';
import { startFakeBotApi, TOKEN } from './fake-bot-api.mjs';
import { ensureDead, exitWithin, median, sleep, startProcess } from './proc.mjs';

const SKELETON = fileURLToPath(new URL('../fixtures/grammy-skeleton.mjs', import.meta.url));

function bots(projects) {
  const ours = (dir) => (api) =>
    startProcess(process.execPath, ['dist/main.js'], {
      cwd: dir,
      env: { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, CPU_POOL_THREADS: '1', SHUTDOWN_TIMEOUT_MS: '15000', POLL_TIMEOUT_S: '30' },
    });
  return [
    { id: 'bot', label: 'create-loopsvc telegram-grammy (polling)', start: ours(projects.bot) },
    { id: 'bot-runner', label: 'create-loopsvc telegram-grammy --runner', start: ours(projects['bot-runner']) },
    { id: 'skeleton', label: "grammY skeleton: process.once('SIGINT', () => bot.stop())", start: (api) => startProcess(process.execPath, [SKELETON], { env: { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url } }) },
  ];
}

async function startPolling(bot, api) {
  const proc = bot.start(api);
  await proc.waitForLog((l) => l.msg === 'polling for updates', 20_000);
  const deadline = performance.now() + 10_000;
  while (api.pendingPolls() === 0 && performance.now() < deadline) await sleep(5);
  return proc;
}

async function idleRun(bot) {
  const api = await startFakeBotApi();
  const proc = await startPolling(bot, api);
  try {
    const t0 = performance.now();
    proc.child.kill('SIGTERM');
    const exit = await exitWithin(proc, 20_000);
    return { exitMs: exit.at - t0, code: exit.killed ? 'killed' : (exit.code ?? exit.signal) };
  } finally {
    await ensureDead(proc);
    await api.close();
  }
}

async function loadedRun(bot, { updates, replyDelayMs, answeredBeforeSignal }) {
  const api = await startFakeBotApi({ replyDelayMs });
  const ids = Array.from({ length: updates }, (_, i) => 1001 + i);
  const first = await startPolling(bot, api);
  let second;
  try {
    first.endWarmup();
    api.push(ids);
    const until = performance.now() + 20_000;
    while (api.sent.length < answeredBeforeSignal && performance.now() < until) await sleep(2);
    const t0 = performance.now();
    first.child.kill('SIGTERM');
    const exit = await exitWithin(first, 30_000);
    const byFirst = api.sent.length;

    // The next instance: runs until every update is answered, or nothing new came for 2 s.
    second = await startPolling(bot, api);
    let seen = -1;
    let quietSince = performance.now();
    const hardStop = performance.now() + 30_000;
    while (performance.now() < hardStop && performance.now() - quietSince < 2_000) {
      if (ids.every((id) => api.sent.some((m) => m.replyTo === id)) && api.pendingPolls() > 0) break;
      if (api.sent.length !== seen) {
        seen = api.sent.length;
        quietSince = performance.now();
      }
      await sleep(20);
    }
    second.child.kill('SIGTERM');
    await exitWithin(second, 30_000);

    const answers = new Map();
    for (const m of api.sent) answers.set(m.replyTo, (answers.get(m.replyTo) ?? 0) + 1);
    return {
      exitMs: exit.at - t0,
      code: exit.killed ? 'killed' : (exit.code ?? exit.signal),
      byFirst,
      lost: ids.filter((id) => !answers.has(id)).length,
      repeated: [...answers.values()].reduce((n, c) => n + c - 1, 0),
      loop: first.exitLoopReport(),
    };
  } finally {
    await ensureDead(first);
    if (second) await ensureDead(second);
    await api.close();
  }
}

/** Idle and loaded runs of each bot, `reps` each; medians of times, sums of lost/repeated. */
export async function measureBots({ projects, reps, updates, replyDelayMs, log }) {
  const results = [];
  for (const bot of bots(projects)) {
    const idle = [];
    const loaded = [];
    for (let i = 0; i < reps; i += 1) {
      idle.push(await idleRun(bot));
      loaded.push(await loadedRun(bot, { updates, replyDelayMs, answeredBeforeSignal: 3 }));
    }
    results.push({
      id: bot.id,
      label: bot.label,
      idleExitMs: median(idle.map((r) => r.exitMs)),
      loadedExitMs: median(loaded.map((r) => r.exitMs)),
      codes: [...new Set([...idle, ...loaded].map((r) => r.code))].join('/'),
      updates: updates * reps,
      byFirst: loaded.reduce((n, r) => n + r.byFirst, 0),
      lost: loaded.reduce((n, r) => n + r.lost, 0),
      repeated: loaded.reduce((n, r) => n + r.repeated, 0),
      loopP99: median(loaded.map((r) => r.loop?.p99Ms)),
      loopMax: Math.max(...loaded.map((r) => r.loop?.maxMs ?? 0)),
    });
    log(`bot ${bot.id}: ${reps} idle + ${reps} loaded runs`);
  }
  return results;
}
