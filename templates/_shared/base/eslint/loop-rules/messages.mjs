// One place for what every loop-rule message says: the rule id (R1–R5, explained in docs/loop-rules.md) and the fix. A reader
// who sees a lint error should know which rule of the service it breaks and what to write instead.

/** @param {string} id rule id, e.g. 'R2.3' @param {string} what @param {string} fix */
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

/**
 * Blocking APIs of third-party packages, matched by MEANING: the call must resolve (type checker)
 * to a declaration of `package` (its own types, @types/<package>, or `declare module`) named one
 * of `exports` (a function, method or class; `'*'` for every call into the package). Each entry
 * carries the rule id, what it does and the fix.
 */
export const BLOCKING_APIS = [
  { package: 'glob', exports: ['sync', 'globSync', 'globIterateSync', 'globStreamSync'], id: 'R2.3', what: 'walks the file system synchronously', fix: 'await glob(pattern, { signal }) (the promise API)' },
  { package: 'fast-glob', exports: ['sync', 'globSync'], id: 'R2.3', what: 'walks the file system synchronously', fix: 'await fg(pattern) (the promise API)' },
  { package: 'globby', exports: ['globbySync', 'sync'], id: 'R2.3', what: 'walks the file system synchronously', fix: 'await globby(pattern)' },
  { package: 'execa', exports: ['execaSync', 'execaCommandSync', 'execaNodeSync', 'sync', 'commandSync'], id: 'R2.3', what: 'runs a child process and blocks until it exits', fix: 'await execa(file, args, { cancelSignal })' },
  { package: 'cross-spawn', exports: ['sync'], id: 'R2.3', what: 'runs a child process and blocks until it exits', fix: 'use the async spawn and await its exit' },
  { package: 'better-sqlite3', exports: '*', id: 'R2.3', what: 'is a fully synchronous database driver', fix: 'use an async driver, or call it only from a piscina task file under src/workers/' },
  { package: 'lowdb', exports: ['LowSync', 'JSONFileSync', 'JSONFileSyncPreset', 'DataFileSync', 'TextFileSync'], id: 'R2.3', what: 'reads and writes its JSON file synchronously', fix: "use the async adapter: new Low(new JSONFile(file)) and await db.write()" },
  { package: 'configstore', exports: ['set', 'get', 'delete', 'clear', 'has', 'all'], id: 'R2.3', what: 'reads and rewrites its JSON file synchronously on every call', fix: 'keep the data in a database or an async file store; read configuration once at startup' },
  { package: 'conf', exports: ['set', 'get', 'delete', 'clear', 'has', 'store'], id: 'R2.3', what: 'reads and rewrites its JSON file synchronously on every call', fix: 'keep the data in a database or an async file store; read configuration once at startup' },
  { package: 'node-localstorage', exports: ['setItem', 'getItem', 'removeItem', 'clear'], id: 'R2.3', what: 'writes a file synchronously on every call', fix: 'use a database or an async file store' },
  { package: 'bcrypt', exports: ['hashSync', 'compareSync', 'genSaltSync'], id: 'R2.3', what: 'hashes on the event-loop thread', fix: 'await bcrypt.hash()/compare() (they run on the libuv pool)' },
  { package: 'bcryptjs', exports: ['hashSync', 'compareSync', 'genSaltSync'], id: 'R2.3', what: 'hashes in JavaScript on the event-loop thread', fix: 'use bcrypt or argon2 (async, off-thread), or run it on the worker pool' },
  { package: 'fs-extra', exports: /Sync$/, id: 'R2.3', what: 'is a synchronous file-system call', fix: 'use the promise form of the same fs-extra function' },
  { package: 'graceful-fs', exports: /Sync$/, id: 'R2.3', what: 'is a synchronous file-system call', fix: 'use node:fs/promises' },
  { package: 'jsonfile', exports: ['readFileSync', 'writeFileSync'], id: 'R2.3', what: 'is a synchronous file-system call', fix: 'await jsonfile.readFile()/writeFile()' },
  { package: 'write-file-atomic', exports: ['sync'], id: 'R2.3', what: 'writes the file synchronously', fix: 'await writeFileAtomic(file, data)' },
  { package: 'rimraf', exports: ['sync', 'rimrafSync', 'nativeSync', 'manualSync'], id: 'R2.3', what: 'deletes synchronously', fix: "await rm(path, { recursive: true, force: true }) from 'node:fs/promises'" },
  { package: 'mkdirp', exports: ['sync', 'mkdirpSync', 'nativeSync', 'manualSync'], id: 'R2.3', what: 'creates directories synchronously', fix: "await mkdir(path, { recursive: true }) from 'node:fs/promises'" },
  { package: 'tmp', exports: ['fileSync', 'dirSync', 'tmpNameSync'], id: 'R2.3', what: 'creates a temporary file synchronously', fix: "await mkdtemp(prefix) from 'node:fs/promises'" },
  { package: 'proper-lockfile', exports: ['lockSync', 'unlockSync', 'checkSync'], id: 'R2.3', what: 'takes a file lock synchronously', fix: 'await lockfile.lock(file)' },
];

/** The entry of BLOCKING_APIS for a call into `pkg` named `name`, or null. */
export function blockingApi(pkg, name) {
  if (!pkg || !name) return null;
  return (
    BLOCKING_APIS.find(
      (e) =>
        (pkg === e.package || pkg.startsWith(`${e.package}/`)) &&
        (e.exports === '*' || (e.exports instanceof RegExp ? e.exports.test(name) : e.exports.includes(name))),
    ) ?? null
  );
}

/**
 * Long-lived resources (R3.1): opened once at startup by their owner (an onReady hook, a plugin,
 * main) and closed at shutdown; never at import time (nobody owns or closes them) nor per request.
 * Matched by meaning like BLOCKING_APIS: `node` entries are Node built-ins; `importTime` entries
 * are fine per request (a write stream per upload) and wrong only at import time.
 */
export const RESOURCES = [
  { package: 'undici', exports: ['Pool', 'Client', 'Agent', 'BalancedPool', 'ProxyAgent', 'RetryAgent', 'EnvHttpProxyAgent'], what: 'an HTTP connection pool' },
  { package: 'pg', exports: ['Pool', 'Client'], what: 'a PostgreSQL connection' },
  { package: 'ioredis', exports: ['Redis', 'Cluster'], what: 'a Redis connection' },
  { package: 'redis', exports: ['createClient'], what: 'a Redis connection' },
  { package: 'mysql2', exports: ['createPool', 'createConnection'], what: 'a MySQL connection' },
  { package: 'mongodb', exports: ['MongoClient'], what: 'a MongoDB connection' },
  { package: 'piscina', exports: ['Piscina'], what: 'a worker-thread pool' },
  { node: 'fs', exports: ['createWriteStream'], importTime: true, what: 'a file stream' },
];

/** The RESOURCES entry a resolved call origin opens, or null. */
export function resourceOf(origin) {
  if (!origin?.name) return null;
  return (
    RESOURCES.find((e) =>
      e.node ? origin.node && origin.module === e.node && e.exports.includes(origin.name) : !origin.node && (origin.module === e.package || origin.module?.startsWith(`${e.package}/`)) && e.exports.includes(origin.name),
    ) ?? null
  );
}
