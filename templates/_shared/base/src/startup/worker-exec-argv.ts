/**
 * The `execArgv` of a piscina pool's worker threads, for a pool created in the module at
 * `moduleUrl` (pass `import.meta.url`):
 *
 * - `--no-experimental-require-module`: piscina then loads the task file with `import()`, not
 *   require(esm), inside which a terminated thread aborts the whole process on Node 24 and 26
 *   (P24): closing a pool whose thread is still starting would crash a service stopped right after
 *   its start.
 * - `--import tsx` from source (dev, vitest): threads do not inherit the main thread's loader.
 *
 * With an execArgv, the flags given to `node` on its command line do not reach the threads
 * (NODE_OPTIONS still does): add here any a task needs, e.g. `--enable-source-maps`.
 */
export function workerExecArgv(moduleUrl: string): string[] {
  const fromSource = moduleUrl.endsWith('.ts');
  return [...(fromSource ? ['--import', 'tsx'] : []), '--no-experimental-require-module'];
}
