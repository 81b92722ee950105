// Measurement 2 (and 4 for HTTP): the generated http-fastify service against a bare Fastify
// hello-world on the same route shape (GET /ready -> {"status":"ready"}). Per round and server:
// start, time to the first 200, RSS once started, autocannon load, loop delay under that load.
// Servers alternate within a round so that machine noise spreads over both.
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { ensureDead, exitWithin, freePort, median, rssBytes, sleep, startProcess, waitFor200 } from './proc.mjs';

const BARE = fileURLToPath(new URL('../fixtures/bare-fastify.mjs', import.meta.url));
export const ROUTE = '/ready';

/** Environment of our generated service in every benchmark: loopback, small drain delay. */
export function ourHttpEnv(port, extra = {}) {
  return { HOST: '127.0.0.1', PORT: String(port), DRAIN_DELAY_MS: '100', ...extra };
}

export function httpServers(projects) {
  return [
    { id: 'ours', label: 'create-loopsvc http-fastify', start: (port) => startProcess(process.execPath, ['dist/main.js'], { cwd: projects.http, env: ourHttpEnv(port) }) },
    {
      id: 'ours-silent',
      label: 'create-loopsvc http-fastify, LOG_LEVEL=silent',
      start: (port) => startProcess(process.execPath, ['dist/main.js'], { cwd: projects.http, env: ourHttpEnv(port, { LOG_LEVEL: 'silent' }) }),
    },
    { id: 'bare', label: 'bare Fastify hello-world', start: (port) => startProcess(process.execPath, [BARE], { env: { PORT: String(port) } }) },
  ];
}

function load(url, { connections, durationS }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, pipelining: 1, duration: durationS }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** One start-measure-load-stop cycle of one server. */
async function oneRound(server, options) {
  const port = await freePort();
  const t0 = performance.now();
  const proc = server.start(port);
  try {
    const url = `http://127.0.0.1:${port}${ROUTE}`;
    const startupMs = (await waitFor200(url, proc)) - t0;
    await sleep(500); // let startup settle before reading RSS
    const rss = await rssBytes(proc.child.pid);
    await load(url, { connections: options.connections, durationS: 1 }); // JIT warm-up, not counted
    proc.endWarmup();
    const result = await load(url, options);
    const loop = await proc.requestLoopReport();
    proc.child.kill('SIGTERM');
    await exitWithin(proc, 10_000);
    return {
      startupMs,
      rss,
      rps: result.requests.average,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      loopP99: loop?.p99Ms,
      loopMax: loop?.maxMs,
    };
  } finally {
    await ensureDead(proc);
  }
}

/** Runs `rounds` rounds; returns per server the medians of every figure. `servers` defaults to httpServers(projects). */
export async function measureHttp({ projects, servers = httpServers(projects), rounds, durationS, connections, log }) {
  const samples = new Map(servers.map((s) => [s.id, []]));
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      samples.get(s.id).push(await oneRound(s, { durationS, connections }));
    }
    log(`http round ${r + 1}/${rounds}`);
  }
  const keys = ['startupMs', 'rss', 'rps', 'p99', 'non2xx', 'errors', 'loopP99', 'loopMax'];
  return servers.map((s) => {
    const rows = samples.get(s.id);
    return { id: s.id, label: s.label, ...Object.fromEntries(keys.map((k) => [k, median(rows.map((x) => x[k]))])) };
  });
}
