// Measurement 1a: install footprint. Each scaffolding CLI is installed alone into an empty prefix
// with `npm install --no-audit --no-fund`; ours from the tarball `npm pack` makes of this checkout.
// The installs are kept for the run: the generation timings (scaffold.mjs) use them.
import { mkdir, readdir, readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './proc.mjs';

/** Packages under node_modules (nested ones included) and the bytes of their files. */
export async function footprint(nodeModules) {
  let packages = 0;
  let bytes = 0;
  async function walk(dir, isModulesDir) {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isSymbolicLink()) continue; // .bin links: counted where they point
      if (e.isDirectory()) {
        if (isModulesDir && e.name.startsWith('@')) {
          await walk(path, true); // a scope folder holds packages
          continue;
        }
        if (isModulesDir && e.name !== '.bin' && !e.name.startsWith('.')) packages += 1;
        await walk(path, e.name === 'node_modules');
      } else if (e.isFile()) {
        bytes += (await lstat(path)).size;
      }
    }
  }
  await walk(nodeModules, true);
  return { packages, bytes };
}

/** Installs `spec` alone into `<root>/<slug>` and returns { spec, dir, packages, bytes, installMs }. */
export async function installAlone(root, slug, spec) {
  const dir = join(root, slug);
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  await run('npm', ['install', '--no-audit', '--no-fund', spec], { cwd: dir, timeoutMs: 300_000 });
  const installMs = performance.now() - t0;
  return { spec, dir, installMs, ...(await footprint(join(dir, 'node_modules'))) };
}

/** `npm pack` of the checkout at `repo` into `dest`; resolves with the tarball path. */
export async function packOurs(repo, dest) {
  await mkdir(dest, { recursive: true });
  const out = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: repo, timeoutMs: 120_000 });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
  return join(dest, filename);
}

/** The bin of an installed CLI: node_modules/<pkg>/<bin path>, run with `node` (no shell). */
export async function binOf(dir, pkg, name) {
  const pkgDir = join(dir, 'node_modules', pkg);
  const { bin } = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
  return join(pkgDir, typeof bin === 'string' ? bin : bin[name]);
}

/**
 * Installs ours and every pinned scaffolder, each into its own empty prefix under `root`.
 * Returns one row per CLI: { name, version, dir, packages, bytes, installMs }.
 */
export async function installScaffolders({ root, repo, scaffolders, log }) {
  const tarball = await packOurs(repo, join(root, 'pack'));
  const ours = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
  const rows = [];
  const specs = [[ours.name, ours.version, tarball], ...Object.entries(scaffolders).map(([n, v]) => [n, v, `${n}@${v}`])];
  for (const [name, version, spec] of specs) {
    log(`install ${name}@${version} alone`);
    const row = await installAlone(join(root, 'cli'), name.replace(/[@/]/g, '_'), spec);
    rows.push({ name, version, ...row });
  }
  return rows;
}
