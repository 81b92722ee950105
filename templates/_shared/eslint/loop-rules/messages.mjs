// One place for what every loop-rule message says: the RULEBOOK id (R1–R5) and the fix. A reader
// who sees a lint error should know which rule of the service it breaks and what to write instead.

/** @param {string} id RULEBOOK id, e.g. 'R2.3' @param {string} what @param {string} fix */
export function message(id, what, fix) {
  return `${id}: ${what}. Fix: ${fix}.`;
}

/** Packages that block or re-enter the one event loop, with the rule each breaks and its fix. */
export const BLOCKING_PACKAGES = {
  deasync: ['R1.1', 'spins the event loop re-entrantly (a second loop)', 'keep the code async all the way up and await the promise'],
  '@kaciras/deasync': ['R1.1', 'spins the event loop re-entrantly (a second loop)', 'keep the code async all the way up and await the promise'],
  synckit: ['R1.1', 'parks the main thread in Atomics.wait while a worker runs the async job', 'await the async API directly'],
  'sync-rpc': ['R2.2', 'runs a child process with spawnSync and blocks until it answers', 'await the async API directly'],
  'sync-request': ['R2.2', 'is synchronous HTTP (spawnSync under the hood)', 'use global fetch with signal: AbortSignal.timeout(ms), or an undici Pool opened at startup'],
  'sync-fetch': ['R2.2', 'is synchronous HTTP (execFileSync of a child node)', 'use global fetch with signal: AbortSignal.timeout(ms), or an undici Pool opened at startup'],
  xmlhttprequest: ['R2.2', 'offers synchronous XHR that blocks the loop', 'use global fetch with signal: AbortSignal.timeout(ms)'],
  'better-sqlite3': ['R2.3', 'is a fully synchronous database driver', 'use an async driver, or call it only from a piscina task file under src/workers/'],
};

export const SYNC_CHILD_PROCESS = ['execSync', 'execFileSync', 'spawnSync'];
export const CHILD_PROCESS_FIX = 'use execFile/spawn from node:child_process (promisified) and await it';
