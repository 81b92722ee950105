// `node bench/http-ratios.mjs <generated http-fastify project> [rounds] [seconds]`: only the HTTP
// measurement of bench/run.mjs (bench/lib/http.mjs against bench/fixtures/bare-fastify.mjs, same
// route, servers alternating within a round), printed as the three ratios of BENCHMARKS.md §2b.
// The project must be built (`npm run build`); defaults are the full mode's 5 rounds of 15 s.
// Targets: startup to first 200 <= 1.1x and RSS <= 1.15x of bare Fastify (the service as
// generated), req/s >= 0.95x at the same log level (bare Fastify logs nothing: LOG_LEVEL=silent).
import { measureHttp } from './lib/http.mjs';

const [project, rounds = '5', seconds = '15'] = process.argv.slice(2);
if (!project) {
  console.error('usage: node bench/http-ratios.mjs <generated http-fastify project> [rounds] [seconds]');
  process.exit(2);
}
const results = await measureHttp({
  projects: { http: project },
  rounds: Number(rounds),
  durationS: Number(seconds),
  connections: 50,
  log: (line) => console.error(line),
});
const bare = results.find((r) => r.id === 'bare');
console.log('| server | req/s | startup to first 200 ms | RSS MB | req/s vs bare | startup vs bare | RSS vs bare |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  console.log(
    `| ${r.label} | ${Math.round(r.rps)} | ${Math.round(r.startupMs)} | ${(r.rss / 2 ** 20).toFixed(1)} | ${ratio(r.rps, bare.rps)} | ${ratio(r.startupMs, bare.startupMs)} | ${ratio(r.rss, bare.rss)} |`,
  );
}
const ours = results.find((r) => r.id === 'ours');
const silent = results.find((r) => r.id === 'ours-silent');
const verdict = (value, ok) => `${value.toFixed(2)}× (${ok ? 'met' : 'not met'})`;
console.log(
  `\nstartup ${verdict(ours.startupMs / bare.startupMs, ours.startupMs / bare.startupMs <= 1.1)} (target <= 1.1×), ` +
    `RSS ${verdict(ours.rss / bare.rss, ours.rss / bare.rss <= 1.15)} (target <= 1.15×), ` +
    `req/s at the same log level ${verdict(silent.rps / bare.rps, silent.rps / bare.rps >= 0.95)} (target >= 0.95×)`,
);
