#!/usr/bin/env node
// check-loop: the non-ESLint half of the loop rules (docs/loop-rules.md §4.3, R1.1/R2.2/R4.8).
//   1. No PRODUCTION dependency, direct or transitive, is a known loop-blocker. The graph is
//      walked the way Node resolves it: each package's dependencies are looked up from that
//      package's own (real) folder, so npm, pnpm and yarn (node_modules linker) layouts all work.
//   2. The Dockerfile, if present, starts node so that it receives SIGTERM: exec-form CMD and
//      ENTRYPOINT, no npm/yarn/pnpm/`sh -c` in them, and an init (tini/dumb-init) or `--init`.
// Usage: node scripts/check-loop.mjs [project-dir]   Exit 0 = clean, 1 = problems, 2 = cannot check.
// No dependencies: it must run before anything else is trusted.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BLOCKERS = {
  deasync: ['R1.1', 'keep the code async and await the promise'],
  '@kaciras/deasync': ['R1.1', 'keep the code async and await the promise'],
  synckit: ['R1.1', 'await the async API directly (synckit is fine as a devDependency)'],
  'sync-rpc': ['R2.2', 'await the async API directly'],
  'sync-request': ['R2.2', 'use global fetch with AbortSignal.timeout(ms) or an undici Pool'],
  'sync-fetch': ['R2.2', 'use global fetch with AbortSignal.timeout(ms) or an undici Pool'],
  xmlhttprequest: ['R2.2', 'use global fetch with AbortSignal.timeout(ms)'],
  'better-sqlite3': ['R2.3', 'use an async driver, or open it only inside a piscina worker'],
};

/** Reads and parses a JSON file, or returns undefined when it does not exist. */
function readJson(file) {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Node's lookup for a bare specifier: node_modules/<name> in `fromDir` and each parent. */
function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Dependencies that are installed with the package and loaded at run time. */
function runtimeDependencies(pkg) {
  const optional = new Set([...Object.keys(pkg.optionalDependencies ?? {}), ...Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, m]) => m?.optional).map(([n]) => n)]);
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  return [...new Set(names)].map((name) => ({ name, optional: optional.has(name) || Object.hasOwn(pkg.peerDependencies ?? {}, name) }));
}

/**
 * Breadth-first walk from the project's production dependencies, so each blocker is reported
 * with the shortest path that pulls it in. Returns problems and the number of packages seen.
 */
export function checkDependencies(root) {
  const rootPkg = readJson(path.join(root, 'package.json'));
  if (!rootPkg) return { problems: [], fatal: `no package.json in ${root}; run it from the project folder or pass the folder` };
  const rootName = rootPkg.name ?? path.basename(root);
  const declared = runtimeDependencies({ dependencies: rootPkg.dependencies, optionalDependencies: rootPkg.optionalDependencies });
  if (declared.length > 0 && !existsSync(path.join(root, 'node_modules')) && existsSync(path.join(root, '.pnp.cjs'))) {
    return { problems: [], fatal: 'Yarn Plug\'n\'Play has no node_modules to walk; set `nodeLinker: node-modules` in .yarnrc.yml, or check with `yarn why <package>`' };
  }
  const problems = [];
  const seen = new Set();
  const reported = new Set();
  const queue = [{ dir: realpathSync(root), pkg: rootPkg, trail: [rootName], deps: declared }];
  while (queue.length > 0) {
    const { dir, trail, deps } = queue.shift();
    for (const { name, optional } of deps) {
      const trailHere = [...trail, name];
      if (Object.hasOwn(BLOCKERS, name) && !reported.has(name)) {
        reported.add(name);
        const [id, fix] = BLOCKERS[name];
        problems.push(`${id}: production dependency ${trailHere.join(' > ')} blocks the event loop. Fix: ${fix}; remove it or the package that pulls it in.`);
      }
      const depDir = resolvePackageDir(name, dir);
      if (!depDir) {
        if (!optional) problems.push(`R5.1: ${trailHere.join(' > ')} is not installed, so its dependencies cannot be checked. Fix: install first (npm ci / pnpm install / yarn install), then re-run.`);
        continue;
      }
      if (seen.has(depDir)) continue;
      seen.add(depDir);
      const pkg = readJson(path.join(depDir, 'package.json')) ?? {};
      queue.push({ dir: depDir, trail: trailHere, deps: runtimeDependencies(pkg) });
    }
  }
  return { problems, packages: seen.size };
}

/** Dockerfile instructions of the final stage, with continuation lines joined. */
function dockerInstructions(text) {
  const out = [];
  let current = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (current === null && (line === '' || line.startsWith('#'))) return;
    if (current !== null && line.startsWith('#')) return; // comments inside a continuation
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (current === null) current = { line: index + 1, text: body };
    else current.text += ` ${body}`;
    if (!continued) {
      const match = /^(\w+)\s*(.*)$/s.exec(current.text.trim());
      if (match) out.push({ line: current.line, keyword: match[1].toUpperCase(), args: match[2].trim() });
      current = null;
    }
  });
  const lastFrom = out.map((i) => i.keyword).lastIndexOf('FROM');
  return lastFrom === -1 ? out : out.slice(lastFrom);
}

const PACKAGE_MANAGERS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'corepack']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'docker-init']);
const base = (arg) => path.posix.basename(String(arg));

/** Problems of one Dockerfile's text; `where` prefixes each message. */
export function checkDockerfile(text, where = 'Dockerfile', composeText = '') {
  const problems = [];
  const instructions = dockerInstructions(text);
  const starts = instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const final = new Map(starts.map((i) => [i.keyword, i])); // the last one of each kind wins
  if (final.size === 0) {
    problems.push(`R4.8: ${where}: the final stage has no CMD. Fix: add CMD ["node", "dist/main.js"] (exec form, node directly).`);
  }
  let hasInit = false;
  for (const instruction of final.values()) {
    const at = `${where}:${instruction.line}: ${instruction.keyword}`;
    let argv;
    try {
      argv = JSON.parse(instruction.args);
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
      problems.push(`R4.8: ${at} uses shell form, so /bin/sh -c is PID 1 and node never gets SIGTERM. Fix: exec form, ${instruction.keyword} ["node", "dist/main.js"].`);
      continue;
    }
    const tool = argv.find((a) => PACKAGE_MANAGERS.has(base(a)));
    if (tool) {
      problems.push(`R4.8: ${at} starts ${base(tool)}, which does not forward SIGTERM to node. Fix: run node directly, ${instruction.keyword} ["node", "dist/main.js"].`);
    }
    const shell = argv.findIndex((a) => SHELLS.has(base(a)));
    if (shell !== -1 && argv.slice(shell + 1).some((a) => /^-\w*c/.test(a))) {
      problems.push(`R4.8: ${at} runs a shell (${argv[shell]} -c), which does not forward SIGTERM to node. Fix: run node directly, ${instruction.keyword} ["node", "dist/main.js"].`);
    }
    if (instruction.keyword === 'ENTRYPOINT' && argv.some((a) => INITS.has(base(a)))) hasInit = true;
  }
  const stopSignal = instructions.find((i) => i.keyword === 'STOPSIGNAL');
  if (stopSignal && !/^(SIGTERM|15)$/i.test(stopSignal.args)) {
    problems.push(`R4.8: ${where}:${stopSignal.line}: STOPSIGNAL ${stopSignal.args} is not what the service handles. Fix: remove it (SIGTERM is the default).`);
  }
  const documentedInit = /--init\b/.test(text) || /^\s*init:\s*true\b/m.test(composeText);
  if (final.size > 0 && !hasInit && !documentedInit) {
    problems.push(`R4.8: ${where}: no init process, so node runs as PID 1 without default signal handling or zombie reaping. Fix: install tini and add ENTRYPOINT ["/usr/bin/tini", "--"], or run with docker run --init and say so in a Dockerfile comment.`);
  }
  return problems;
}

function main(argv) {
  const root = path.resolve(argv[0] ?? '.');
  const deps = checkDependencies(root);
  if (deps.fatal) {
    console.error(`check-loop: ${deps.fatal}`);
    return 2;
  }
  const problems = [...deps.problems];
  const dockerfile = path.join(root, 'Dockerfile');
  const dockerChecked = existsSync(dockerfile);
  if (dockerChecked) {
    const compose = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']
      .map((f) => path.join(root, f))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    problems.push(...checkDockerfile(readFileSync(dockerfile, 'utf8'), 'Dockerfile', compose));
  }
  for (const problem of problems) console.error(`check-loop: ${problem}`);
  if (problems.length > 0) return 1;
  console.log(`check-loop: ok (${deps.packages} production packages${dockerChecked ? ', Dockerfile' : ''} checked)`);
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = main(process.argv.slice(2));
}
