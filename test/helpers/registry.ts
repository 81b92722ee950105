import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from './paths.js';
import { toolBin } from './tools.js';

/**
 * A local npm registry (verdaccio) on 127.0.0.1 holding this repository's packed package, with
 * every other package proxied from the npm registry, so each package manager's own `create`
 * command (`npm create loopsvc`, `pnpm create loopsvc`, `yarn create loopsvc`, `bun create
 * loopsvc`) runs its real code path against the real build.
 */
export interface LocalRegistry {
  url: string;
  version: string;
  stop: () => Promise<void>;
}

const VERDACCIO = 'verdaccio@6.10.4';

export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const bin = await toolBin(VERDACCIO);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'verdaccio.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'uplinks:',
      '  npmjs:',
      '    url: https://registry.npmjs.org/',
      '    timeout: 60s',
      'packages:',
      "  'create-loopsvc':",
      '    access: $all',
      '    publish: $all',
      "  '**':",
      '    access: $all',
      '    proxy: npmjs',
      // Yarn 4 reuses keep-alive sockets; closed after Node's 5 s default they failed its fetches
      // (ERR_SOCKET_CLOSED_BEFORE_CONNECTION)
      'server:',
      '  keepAliveTimeout: 60',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const server: ResultPromise = execa(path.join(bin, 'verdaccio'), ['--config', config, '--listen', `127.0.0.1:${port}`], { reject: false, all: true, cleanup: true });
  await waitForPing(url, server);

  const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT });
  const [pack] = JSON.parse(packed.stdout) as Array<{ filename: string; version: string }>;
  if (!pack) throw new Error('npm pack produced nothing');
  const { filename, version } = pack;
  // publishing needs some token; the registry accepts anyone for this one package
  await execa('npm', ['publish', path.join(dir, filename), '--registry', url, `--//127.0.0.1:${port}/:_authToken=local-test`], { cwd: dir });
  return {
    url,
    version,
    stop: async () => {
      server.kill('SIGTERM');
      await server;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls the registry's ping endpoint; bounded: 120 tries, or the server exiting. */
async function waitForPing(url: string, server: ResultPromise): Promise<void> {
  let exited = false;
  void server.then(() => {
    exited = true;
  });
  for (let i = 0; i < 120 && !exited; i += 1) {
    const ok = await fetch(`${url}/-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the local registry did not answer at ${url}${exited ? ' (it exited)' : ''}`);
}
