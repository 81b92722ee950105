// Loop-delay guard (docs/loop-rules.md §5.1, R5.1): preloaded with `node --require ./test/loop-guard.cjs`.
// Measures the event-loop delay of the service and prints it on stderr at exit. The first line
// written to the process's stdin ends the warm-up (module loading and startup block the loop
// legitimately), so only delays caused by serving and shutting down are counted.
//
// Two figures: `maxMs`, the longest delay by the clock, and `maxBusyMs`, the most CPU time the main
// thread spent between two turns of a 10 ms timer. A blocking call raises both; a loaded machine
// that gives the process no CPU raises only the first. Budgets are checked against `maxBusyMs`, so
// the tests pass on a busy two-core machine and still catch every block.
'use strict';
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

// Preloads also run in every worker thread (piscina inherits execArgv): guard the main loop only.
if (isMainThread) startGuard();

function startGuard() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let startupMaxMs = 0;
  let elu0 = performance.eventLoopUtilization();
  let maxBusyMs = 0;
  let last = process.threadCpuUsage();
  const sampler = setInterval(() => {
    const now = process.threadCpuUsage();
    const busyMs = (now.user - last.user + now.system - last.system) / 1e3;
    last = now;
    if (busyMs > maxBusyMs) maxBusyMs = busyMs;
  }, 10);
  sampler.unref();

  process.stdin.once('data', () => {
    startupMaxMs = histogram.max / 1e6;
    histogram.reset();
    elu0 = performance.eventLoopUtilization();
    maxBusyMs = 0;
    last = process.threadCpuUsage();
  });
  process.stdin.unref?.(); // never keep the process alive for stdin (no unref on /dev/null)

  process.on('exit', (code) => {
    histogram.disable();
    const elu = performance.eventLoopUtilization(elu0);
    const report = { code, startupMaxMs, maxMs: histogram.max / 1e6, maxBusyMs, p99Ms: histogram.percentile(99) / 1e6, elu: elu.utilization };
    process.stderr.write(`LOOP-GUARD ${JSON.stringify(report)}\n`);
  });
}
