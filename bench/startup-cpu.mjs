// `node bench/startup-cpu.mjs <built http-fastify project> [n]`: where the startup time of
// BENCHMARKS.md §2b goes. Starts the built service (dist/main.js) and the bare Fastify
// hello-world (bench/fixtures/bare-fastify.mjs) alternately n times (default 10), each started as
// bench/lib/http.mjs starts them, and reads at the first 200 on GET /ready: the wall time since
// spawn and the CPU time the process used so far (utime + stime of /proc/<pid>/stat, Linux only).
// Prints the medians and the ratios to bare Fastify. CPU time is the figure that a loaded machine
// disturbs least: wall time also counts waiting for a core.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ourHttpEnv, ROUTE } from './lib/http.mjs';
import { ensureDead, exitWithin, freePort, median, startProcess, waitFor200 } from './lib/proc.mjs';

const BARE = fileURLToPath(new URL('./fixtures/bare-fastify.mjs', import.meta.url));
const CLOCK_TICKS_PER_S = 100; // USER_HZ: 100 on every Linux architecture Node supports

const [project, n = '10'] = process.argv.slice(2);
if (!project) {
  console.error('usage: node bench/startup-cpu.mjs <built http-fastify project> [n]');
  process.exit(2);
}

/** CPU milliseconds (user + system) a process has used, from /proc/<pid>/stat. */
async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
  // utime field 14 and stime field 15 of proc(5).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

const servers = [
  { id: 'ours', label: 'create-loopsvc http-fastify', start: (port) => startProcess(process.execPath, ['dist/main.js'], { cwd: project, env: ourHttpEnv(port) }) },
  { id: 'bare', label: 'bare Fastify hello-world', start: (port) => startProcess(process.execPath, [BARE], { env: { PORT: String(port) } }) },
];

const samples = Object.fromEntries(servers.map((s) => [s.id, { cpu: [], wall: [] }]));
for (let i = 0; i < Number(n); i++) {
  for (const server of i % 2 ? [...servers].reverse() : servers) {
    const port = await freePort();
    const t0 = performance.now();
    const proc = server.start(port);
    try {
      const at = await waitFor200(`http://127.0.0.1:${port}${ROUTE}`, proc);
      samples[server.id].cpu.push(await cpuMs(proc.child.pid));
      samples[server.id].wall.push(at - t0);
      proc.child.kill('SIGTERM');
      await exitWithin(proc, 10_000);
    } finally {
      await ensureDead(proc);
    }
  }
  console.error(`round ${i + 1}/${n}: ${servers.map((s) => `${s.id} ${samples[s.id].cpu.at(-1)} ms CPU, ${Math.round(samples[s.id].wall.at(-1))} ms wall`).join('; ')}`);
}

const m = Object.fromEntries(servers.map((s) => [s.id, { cpu: median(samples[s.id].cpu), wall: median(samples[s.id].wall) }]));
console.log(`| server | CPU ms at first 200 (median of ${n}) | wall ms to first 200 |`);
console.log('| --- | --- | --- |');
for (const s of servers) console.log(`| ${s.label} | ${Math.round(m[s.id].cpu)} | ${Math.round(m[s.id].wall)} |`);
console.log(`\nCPU ${(m.ours.cpu / m.bare.cpu).toFixed(2)}× bare, wall ${(m.ours.wall / m.bare.wall).toFixed(2)}× bare`);
