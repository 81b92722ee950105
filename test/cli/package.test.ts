import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };
import { REPO_ROOT, removeDir, tempDir } from '../helpers/paths.js';

/**
 * Budget for the packed tarball: the bundle (about 150 KiB of it compressed) plus the templates,
 * whose loop ruleset is most of their weight and grows with every rule. Raised from 300 KiB when
 * the ruleset learnt type-checked resolution and the startup analysis; from 360 KiB when the build
 * began to precompile the .hbs templates (20 KiB packed, about 20 ms of every generation: the
 * Handlebars compiler no longer loads; 350 KiB packed then); from 380 KiB when the templates
 * gained the telemetry layer, the OpenAPI routes, the log redaction and a deploy example each
 * (388 KiB packed then; the bundle itself did not grow); from 400 KiB when every project gained
 * the stop module's contract test and its fixture, the http service its build-time schema step
 * with two tests, and the precompiled templates one chunk per folder so that generating one
 * template loads only its own (404.5 KiB packed then); from 420 KiB when every project gained the
 * worker threads' flags that keep a stop right after the start from crashing (P24), with their
 * test (420.2 KiB packed then, 419.1 before; 419.2 since the build's chunks are regrouped by
 * rolldown, 28 modules instead of 40). The templates ship as one file since, dist/templates.pack,
 * in place of the templates/ folder.
 */
const MAX_PACKED_BYTES = 424 * 1024;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

describe('the published package', () => {
  let dir: string;
  let pack: PackResult;

  beforeAll(async () => {
    dir = await tempDir('loopsvc-pack-');
    const r = await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT });
    pack = (JSON.parse(r.stdout) as PackResult[])[0]!;
  }, 120_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  it('has no runtime dependencies: the CLI is one bundled file', () => {
    expect(rootPackage).not.toHaveProperty('dependencies');
    expect(pack.files.map((f) => f.path)).toEqual(expect.arrayContaining(['index.js', 'dist/index.mjs', 'package.json']));
    expect(pack.files.filter((f) => f.path.startsWith('generators/') || f.path.startsWith('test/'))).toEqual([]);
  });

  it('ships the templates as the build packed them, not the folder: what the CLI reads is what is published', () => {
    expect(pack.files.map((f) => f.path)).toContain('dist/templates.pack');
    expect(pack.files.filter((f) => f.path.startsWith('templates/'))).toEqual([]);
  });

  it(`stays under ${MAX_PACKED_BYTES / 1024} KiB packed`, () => {
    console.log(`packed ${(pack.size / 1024).toFixed(1)} KiB, unpacked ${(pack.unpackedSize / 1024).toFixed(1)} KiB, ${pack.files.length} files`);
    expect(pack.size).toBeLessThan(MAX_PACKED_BYTES);
  });

  it('installs as a single package, offline, and generates from the shipped templates pack', async () => {
    const prefix = path.join(dir, 'prefix');
    await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, path.join(dir, pack.filename)]);
    const installed = (await readdir(path.join(prefix, 'node_modules'))).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['create-loopsvc']);
    const r = await execa(path.join(prefix, 'node_modules', '.bin', 'create-loopsvc'), ['svc', '--template', 'http-fastify', '--dry-run'], { cwd: dir });
    expect(r.stdout).toContain('svc/package.json');
    const planned = Number(/dry run: (\d+) files would be written/.exec(r.stdout)?.[1]);
    expect(planned).toBeGreaterThan(50);
    await execa(path.join(prefix, 'node_modules', '.bin', 'create-loopsvc'), ['svc', '--template', 'http-fastify', '--no-install', '--no-git'], { cwd: dir });
    const written = (await readdir(path.join(dir, 'svc'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(written).toHaveLength(planned);
    // a verbatim file, byte for byte the repository's
    expect(await readFile(path.join(dir, 'svc', 'src', 'logger.ts'), 'utf8')).toBe(await readFile(path.join(REPO_ROOT, 'templates', '_shared', 'base', 'src', 'logger.ts'), 'utf8'));
  }, 120_000);
});
