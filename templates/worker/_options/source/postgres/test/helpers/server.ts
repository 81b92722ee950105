import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ServerRecipe } from './private-server.js';

// How test/helpers/private-server.ts runs a PostgreSQL server of the test's own: a throwaway
// cluster (initdb) in the test's data directory, `postgres` in the foreground on 127.0.0.1 and the
// given port. The binaries come from PG_BIN, `pg_config --bindir` or /usr/lib/postgresql/*/bin.
// initdb and postgres refuse to run as root: as root (a CI container) they run as the `postgres`
// OS user, which then owns the data directory.

function binDirs(): string[] {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  return [
    process.env.PG_BIN,
    fromPgConfig.status === 0 ? fromPgConfig.stdout.trim() : undefined,
    ...versions.map((v) => path.join(debian, v, 'bin')),
  ].filter((dir): dir is string => Boolean(dir));
}

const BIN_DIR = binDirs().find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')));

/** The `postgres` OS user's ids when this process is root, else undefined (run as ourselves). */
function osUser(): { uid: number; gid: number } | 'missing' | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) return 'missing';
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

const OS_USER = osUser();

function skipReason(): string | undefined {
  if (!BIN_DIR) return 'initdb and postgres not found (set PG_BIN, or put pg_config on PATH)';
  if (OS_USER === 'missing') return 'running as root and there is no `postgres` OS user to run initdb and postgres as';
  return undefined;
}

export const serverRecipe: ServerRecipe = {
  skipReason: skipReason(),
  user: OS_USER === 'missing' ? undefined : OS_USER,
  init: (dir) => ({ file: path.join(BIN_DIR ?? '', 'initdb'), args: ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync'] }),
  command: (dir, port) => ({
    file: path.join(BIN_DIR ?? '', 'postgres'),
    args: ['-D', path.join(dir, 'data'), '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=']
      // a throwaway cluster on a shared machine: no fsync (a clean stop still writes every page)
      .concat(['-c', 'fsync=off', '-c', 'max_connections=40', '-c', 'shared_buffers=16MB']),
  }),
  ready: /database system is ready to accept connections/,
  stopSignal: 'SIGINT', // PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to leave
  url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
};
