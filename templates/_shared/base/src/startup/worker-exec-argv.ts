/**
 * The `execArgv` of a piscina pool's worker threads, for a pool created in the module at
 * `moduleUrl` (pass `import.meta.url`):
 *
 * - `--no-experimental-require-module`: piscina then loads the task file with `import()`, not
 *   require(esm), inside which a terminated thread aborts the whole process on Node 24 and 26
 *   (P24): closing a pool whose thread is still starting would crash a service stopped right after
 *   its start.
 * - `--import tsx` from source (dev, vitest): threads do not inherit the main thread's loader.
 */
export function workerExecArgv(moduleUrl: string): string[] {
  const fromSource = moduleUrl.endsWith('.ts');
  return [...(fromSource ? ['--import', 'tsx'] : []), '--no-experimental-require-module'];
}
