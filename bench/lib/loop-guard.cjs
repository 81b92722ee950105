// Event-loop delay of the process it is preloaded into (`node --require bench/lib/loop-guard.cjs`),
// the same measurement as the generated projects' test/loop-guard.cjs (RULEBOOK §5.1), used for
// every process the benchmark starts, ours and the peers alike. Driven over stdin: the line `warm`
// ends the warm-up (module loading blocks the loop legitimately), `report` prints the figures so
// far on stderr (a baseline killed by SIGTERM never runs 'exit' handlers); they are printed at exit too.
'use strict';
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let elu0 = performance.eventLoopUtilization();
  const print = (at) => {
    const report = {
      at,
      p50Ms: histogram.percentile(50) / 1e6,
      p99Ms: histogram.percentile(99) / 1e6,
      maxMs: histogram.max / 1e6,
      elu: performance.eventLoopUtilization(elu0).utilization,
    };
    process.stderr.write(`LOOP-GUARD ${JSON.stringify(report)}\n`);
  };
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    for (const line of chunk.split('\n')) {
      if (line === 'warm') {
        histogram.reset();
        elu0 = performance.eventLoopUtilization();
      } else if (line === 'report') {
        print('report');
      }
    }
  });
  process.stdin.on('error', () => {});
  process.stdin.unref?.();
  process.on('exit', () => {
    print('exit');
    histogram.disable();
  });
}
