// Markdown tables of a run, and BENCHMARKS.md. Ratios are always "ours / peer" (or the stated
// direction) so that a reader compares within one run on one machine, never across machines.

const ms = (v) => (v === undefined ? 'n/a' : v < 10 ? v.toFixed(1) : Math.round(v).toString());
const mb = (v) => (v === undefined ? 'n/a' : (v / 1024 / 1024).toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
const int = (v) => (v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'));

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function footprintTable(installs) {
  const ours = installs.find((i) => i.name === 'create-loopsvc');
  return table(
    ['CLI', 'version', 'packages installed', 'MB on disk', 'bytes vs create-loopsvc'],
    installs.map((i) => [i.name, i.version, int(i.packages), mb(i.bytes), ratio(i.bytes, ours.bytes)]),
  );
}

export function generationTable(rows) {
  const ours = rows.find((r) => r.label.includes('http-fastify'));
  return table(
    ['command (no install)', 'median ms', 'min ms', 'runs', 'time vs ours (http-fastify)'],
    rows.map((r) => [r.label, ms(r.medianMs), ms(r.minMs), r.runs, ratio(r.medianMs, ours.medianMs)]),
  );
}

export function httpTable(rows, { connections, durationS }) {
  const ours = rows.find((r) => r.id === 'ours');
  const silent = rows.find((r) => r.id === 'ours-silent');
  const bare = rows.find((r) => r.id === 'bare');
  const cost = ours.rps !== undefined && bare.rps ? (1 - ours.rps / bare.rps) * 100 : undefined;
  const ratioRow = (r) => [`**${r.id} / bare**`, ratio(r.rps, bare.rps), ratio(r.p99, bare.p99), ratio(r.startupMs, bare.startupMs), ratio(r.rss, bare.rss), ''];
  const t = table(
    ['server (GET /ready)', 'req/s', 'p99 latency ms', 'startup to first 200 ms', 'RSS after start MB', 'loop delay p99 / max ms'],
    [
      ...rows.map((r) => [r.label, int(r.rps), ms(r.p99), ms(r.startupMs), mb(r.rss), `${ms(r.loopP99)} / ${ms(r.loopMax)}`]),
      ratioRow(ours),
      ratioRow(silent),
    ],
  );
  const verdict =
    cost === undefined
      ? 'n/a'
      : `${Math.abs(cost).toFixed(1)} % ${cost >= 0 ? 'fewer' : 'more'} req/s than bare Fastify (${cost < 5 ? 'within' : 'OVER'} the 5 % budget)`;
  const errors = rows.some((r) => r.non2xx || r.errors) ? `\n\nnon-2xx or errors during load: ${rows.map((r) => `${r.id} ${r.non2xx}/${r.errors}`).join(', ')}` : '';
  return `${t}\n\nautocannon, ${connections} connections, ${durationS} s per run, medians over rounds. Cost of the generated service's lifecycle, under-pressure and logger: ${verdict}. The LOG_LEVEL=silent row separates the logger's share.${errors}`;
}

export function httpShutdownTable(rows) {
  const idle = (id) => rows.find((r) => r.id === id && !r.loaded);
  return table(
    ['server', 'idle: SIGTERM → exit ms', 'loaded: SIGTERM → exit ms', 'exit codes', '200 after SIGTERM', '503', 'lost in flight', 'reset on connect', 'refused (listener closed)'],
    rows
      .filter((r) => r.loaded)
      .map((r) => [r.label, ms(idle(r.id)?.exitMs), ms(r.exitMs), `${idle(r.id)?.codes} / ${r.codes}`, int(r.okAfter), int(r.status503), int(r.lostInFlight), int(r.resetOnConnect), int(r.refused)]),
  );
}

export function botTable(rows) {
  return table(
    ['bot', 'idle: SIGTERM → exit ms', 'loaded: SIGTERM → exit ms', 'exit codes', 'updates', 'answered by 1st instance', 'lost', 'repeated'],
    rows.map((r) => [r.label, ms(r.idleExitMs), ms(r.loadedExitMs), r.codes, int(r.updates), int(r.byFirst), int(r.lost), int(r.repeated)]),
  );
}

export function workerTable(w) {
  return table(
    ['worker', 'idle: SIGTERM → exit ms', 'loaded: SIGTERM → exit ms', 'exit codes', 'jobs in flight at SIGTERM', 'lost (claimed, never acked or released)', 'claimed after SIGTERM'],
    [[w.label, ms(w.idleExitMs), ms(w.loadedExitMs), w.codes, int(w.inFlightAtSignal), int(w.lost), int(w.claimedAfterSignal)]],
  );
}

export function workerSourcesTable(rows) {
  return table(
    ['worker source', 'no-op jobs/s: generated worker', "no-op jobs/s: the library's minimal worker", 'ours / minimal', 'busy: SIGTERM → exit ms', 'exit codes', 'claimed, never finished'],
    rows.map((r) =>
      r.skipped
        ? [r.source, `skipped: ${r.skipped}`, '', '', '', '', '']
        : [`${r.source} (${r.library})`, int(r.oursPerS), int(r.theirsPerS), ratio(r.oursPerS, r.theirsPerS), ms(r.busyExitMs), r.codes, int(r.unfinished)],
    ),
  );
}

export function loopTable(rows) {
  return table(
    ['process', 'load', 'loop delay p99 ms', 'max ms'],
    rows.map((r) => [r.label, r.load, ms(r.p99), ms(r.max)]),
  );
}

/** The whole report as markdown: tables under numbered headings, then the method notes. */
export function renderReport(r) {
  return `## Results

${r.header}

### 1. Scaffolding

Install footprint (each CLI installed alone into an empty prefix, \`npm install --no-audit --no-fund\`; ours from \`npm pack\` of this checkout):

${footprintTable(r.installs)}

Time to generate a project without install (wall clock from spawn to exit, runs interleaved):

${generationTable(r.generation)}

### 2. Generated HTTP service against bare Fastify

${httpTable(r.http, r.params.http)}

### 3. Shutdown

HTTP, under load from ${r.params.shutdown.connections} keep-alive connections that record every request (counts summed over ${r.params.shutdown.reps} runs; ours with DRAIN_DELAY_MS=100):

${httpShutdownTable(r.httpShutdown)}

Bot, on the same fake Bot API: ${r.params.bot.updates} updates per run, each reply answered after ${r.params.bot.replyDelayMs} ms, SIGTERM once 3 replies were sent, then a second instance of the same program (sums over ${r.params.bot.reps} runs):

${botTable(r.bots)}

Worker (memory source): ${r.params.worker.jobs} email jobs (${r.params.worker.mailLatencyMs} ms each) and 2 CPU-bound reports, CONCURRENCY=${r.params.worker.concurrency}, SIGTERM after ${r.params.worker.concurrency * 2} acks (sums over ${r.params.worker.reps} runs):

${workerTable(r.worker)}

Worker on a queue server (PostgreSQL with pg-boss, Redis with BullMQ): ${r.params.workerSources.jobs} no-op jobs enqueued before the start, CONCURRENCY=${r.params.workerSources.concurrency}, against the library's own minimal worker on the same server (\`bench/fixtures/*-minimal.mjs\`); then 200 ms jobs and SIGTERM once 8 are done (medians over ${r.params.workerSources.reps} runs):

${workerSourcesTable(r.workerSources)}

### 4. Event-loop delay under load

Measured by the same preload in every process (\`bench/lib/loop-guard.cjs\`, \`monitorEventLoopDelay\` at 10 ms resolution, so an idle loop reads about 10 ms), after the warm-up:

${loopTable(r.loop)}
`;
}
