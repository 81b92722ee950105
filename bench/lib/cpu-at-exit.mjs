// Preloaded (`node --import`) into each CLI the generation bench runs: at exit, appends the CPU
// time of the whole process (user + system, bootstrap included, as getrusage counts it) to the
// file named by LOOPSVC_BENCH_CPU_FILE. On a loaded machine the wall clock waits for the CPU;
// the CPU time a run needs does not.
import { appendFileSync } from 'node:fs';

const file = process.env.LOOPSVC_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${(user + system) / 1000}\n`);
  });
}
