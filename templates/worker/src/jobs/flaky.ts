import type { JobHandler } from './job.js';

/**
 * flaky {"failTimes": 2}: stands for a dependency that is down for a while. Each job fails its first
 * `failTimes` attempts, so it shows the retries with growing, capped delays; with failTimes >=
 * MAX_ATTEMPTS it shows the dead letter.
 */
export function flakyJob(): JobHandler {
  return (job) => {
    const failTimes = (job.payload as { failTimes?: unknown } | null)?.failTimes;
    const failing = typeof failTimes === 'number' ? failTimes : 2;
    if (job.attempt <= failing) {
      return Promise.reject(new Error(`simulated outage: attempt ${job.attempt}, the first ${failing} fail`));
    }
    return Promise.resolve();
  };
}
