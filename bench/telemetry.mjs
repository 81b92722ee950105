// `node bench/telemetry.mjs <http-fastify project, --telemetry none> <the same, --telemetry otel> [rounds] [seconds]`:
// what OpenTelemetry costs the generated HTTP service. Both are measured by bench/lib/http.mjs
// (start, time to the first 200, RSS once started, autocannon on GET /ready, servers alternating
// within a round); the otel one runs as `npm start` runs it (`--import ./dist/telemetry.js`) and
// exports with the defaults (http/protobuf, batches every 5 s) to a collector stand-in in this
// process that answers 200 at once, so the figures are the SDK's cost, not a collector's.
// Prints the table and the ratios of BENCHMARKS.md's telemetry section. Both projects must be built.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { ourHttpEnv, measureHttp } from './lib/http.mjs';
import { startProcess } from './lib/proc.mjs';

const [none, otel, rounds = '5', seconds = '15'] = process.argv.slice(2);
if (!none || !otel) {
  console.error('usage: node bench/telemetry.mjs <http-fastify project, --telemetry none> <http-fastify project, --telemetry otel> [rounds] [seconds]');
  process.exit(2);
}

let exported = 0;
const collector = createServer((req, res) => {
  exported += 1;
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
collector.listen(0, '127.0.0.1');
await once(collector, 'listening');
const endpoint = `http://127.0.0.1:${collector.address().port}`;

const servers = [
  { id: 'none', label: 'http-fastify --telemetry none', start: (port) => startProcess(process.execPath, ['dist/main.js'], { cwd: none, env: ourHttpEnv(port) }) },
  {
    id: 'otel',
    label: 'http-fastify --telemetry otel',
    start: (port) =>
      startProcess(process.execPath, ['--import', './dist/telemetry.js', 'dist/main.js'], { cwd: otel, env: ourHttpEnv(port, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }) }),
  },
];
const results = await measureHttp({ projects: {}, servers, rounds: Number(rounds), durationS: Number(seconds), connections: 50, log: (line) => console.error(line) });
collector.close();
if (exported === 0) throw new Error('the otel service exported nothing: the figures would not include the export');

const base = results.find((r) => r.id === 'none');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
console.log(`${rounds} rounds of ${seconds} s, 50 connections, GET /ready; medians; ${exported} OTLP exports received`);
console.log('| telemetry | req/s | startup to first 200 ms | RSS MB | p99 latency ms | req/s vs none | startup vs none | RSS vs none |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.id} | ${Math.round(r.rps)} | ${Math.round(r.startupMs)} | ${(r.rss / 2 ** 20).toFixed(1)} | ${r.p99} | ${ratio(r.rps, base.rps)} | ${ratio(r.startupMs, base.startupMs)} | ${ratio(r.rss, base.rss)} |`,
  );
}
