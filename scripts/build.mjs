// Bundles the CLI with zero runtime dependencies (as create-vite ships), so `npm create loopsvc`
// installs a single package. Everything it imports is inlined.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rolldown } from 'rolldown';
import { templatesPack } from './pack-templates.mjs';
import { precompiledTemplatesModule } from './precompile-templates.mjs';

await rm('dist', { recursive: true, force: true }); // no stale chunks in the package

// Handlebars requires `source-map` only to emit source maps of compiled templates, which this CLI
// never asks for; its code falls back when the module has no SourceNode.
const stubSourceMap = {
  name: 'stub-source-map',
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'stub' }));
    b.onLoad({ filter: /^source-map$/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

// jsonc-parser's "main" is a UMD build whose internal require() calls esbuild cannot follow; its
// ES module build (its "module" field) bundles like any other.
const jsoncParserEsm = {
  name: 'jsonc-parser-esm',
  setup(b) {
    b.onResolve({ filter: /^jsonc-parser$/ }, () => ({ path: fileURLToPath(import.meta.resolve('jsonc-parser/lib/esm/main.js')) }));
  },
};

// The shipped .hbs templates, precompiled with the CLI's options: a generated project is rendered
// by Handlebars' runtime, never by its compiler.
const precompiled = {
  name: 'precompiled-templates',
  setup(b) {
    let made;
    const make = () => (made ??= precompiledTemplatesModule(fileURLToPath(new URL('../templates/', import.meta.url))));
    b.onLoad({ filter: /[\\/]generators[\\/]shared[\\/]precompiled-templates\.ts$/ }, async (args) => {
      const { index, files } = await make();
      return { contents: index, loader: 'js', watchFiles: [args.path, ...files] };
    });
    // one chunk per templates/ folder, imported by the index only when one of its files renders
    // (named hbs-<folder>, as dist/hbs-worker-_options-source-redis-<hash>.mjs)
    const chunkName = (group) => `hbs-${group.replaceAll('/', '-')}`;
    b.onResolve({ filter: /^loopsvc-precompiled:/ }, (args) => ({ path: chunkName(args.path.slice(args.path.indexOf(':') + 1)), namespace: 'loopsvc-precompiled' }));
    b.onLoad({ filter: /.*/, namespace: 'loopsvc-precompiled' }, async (args) => {
      const { groups } = await make();
      const group = [...groups.keys()].find((g) => chunkName(g) === args.path);
      return { contents: groups.get(group), loader: 'js' };
    });
  },
};

// Node's built-in modules through process.getBuiltinModule (Node 20.16+), not ES module imports:
// importing a built-in as an ES module builds a facade of all its exports, which reads every
// one of them (the `promises` getter of node:fs loads node:fs/promises and its own imports), 2 to
// 3 ms of a 40 ms run (bench/generation.mjs). Each becomes a small ES module of the bundle that
// exports the built-in's plain values by name (its getters, such as fs.promises, stay unread:
// importing one by name fails the build), so esbuild binds the imports directly. node:util is
// the exception: its values are computed on first read (V8's lazy data properties), so this
// module would load its diff, colors and worker_threads modules; generators/shared/args.ts takes
// parseArgs with process.getBuiltinModule where it uses it (test/cli/lazy-loading.test.ts checks).
// A require() of a built-in in a CommonJS dependency (prompts' `require('readline')`, with or
// without `node:`, as Node resolves both) becomes a CommonJS module whose exports are the
// built-in itself, so no chunk needs a `require` of its own (createRequire at the top of every
// chunk cost a call each on every run).
const builtinsAtRuntime = {
  name: 'builtins-at-runtime',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)*$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtinModules.includes(name)) return undefined;
      return { path: `node:${name}`, namespace: args.kind === 'require-call' ? 'builtin-cjs' : 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const exported = process.getBuiltinModule(args.path);
      const names = Object.entries(Object.getOwnPropertyDescriptors(exported))
        .filter(([name, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default')
        .map(([name]) => name);
      const lines = [`const m = process.getBuiltinModule(${JSON.stringify(args.path)});`, 'export default m;', ...names.map((name) => `export const ${name} = m.${name};`)];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

// esbuild compiles and bundles into a scratch folder (removed however the build ends); rolldown
// then regroups its chunks into dist/
const compiled = await mkdtemp(path.join(tmpdir(), 'loopsvc-build-'));
let written;
try {
  const result = await build({
    // the CLI, and the plopfile that `plop` and `turbo gen` load
    entryPoints: { index: 'generators/index.ts', plopfile: 'generators/plopfile.ts' },
    outdir: compiled,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]', // beside the entries: code finds templates/ at ../templates from dist/
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    minify: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [stubSourceMap, jsoncParserEsm, precompiled, builtinsAtRuntime],
  });

  // esbuild's code splitting gives every set of modules shared by a different set of entries and
  // dynamic imports a chunk of its own: generating a project loaded 17 of them, and each one costs
  // Node's ES module loader a resolve, a read and a link (about 4 ms of a 55 ms run together, 100
  // interleaved runs of bench/generation.mjs's command on a tmpfs). Rolldown, given esbuild's output
  // as it is (no compiling, no tree shaking, whitespace only), puts what a run always loads into
  // one chunk (`cli`: what the entry imports) and Handlebars' runtime with its helpers into another
  // (`handlebars-runtime`, loaded at the first .hbs file, as before); everything loaded on demand
  // (acorn, yaml, semver, picomatch, prompts, the Handlebars compiler, each template's precompiled
  // files, the rules, add and update commands) keeps a chunk of its own, which imports what it
  // shares from those two. A project's generation now loads five modules: the entry, those two and
  // the template's precompiled files (test/cli/lazy-loading.test.ts).
  const outputs = new Map(Object.entries(result.metafile.outputs).map(([file, o]) => [path.resolve(file), o]));
  const staticClosure = (file, into = new Set()) => {
    if (into.has(file)) return into;
    into.add(file);
    for (const i of outputs.get(file)?.imports ?? []) if (i.kind === 'import-statement' && !i.external) staticClosure(path.resolve(i.path), into);
    return into;
  };
  const entryFile = (name) => path.join(compiled, `${name}.mjs`);
  const cli = staticClosure(entryFile('index'));
  cli.delete(entryFile('index')); // the entry runs the CLI when loaded: the plopfile must never import it
  const runtimeEntry = [...outputs.keys()].find((file) => /^handlebars-runtime-[^/\\]*\.mjs$/.test(path.basename(file)));
  if (!runtimeEntry) throw new Error('build: no handlebars-runtime chunk in the esbuild output');
  const handlebarsRuntime = new Set([...staticClosure(runtimeEntry)].filter((file) => !cli.has(file)));
  const regrouped = await rolldown({
    input: { index: entryFile('index'), plopfile: entryFile('plopfile') },
    platform: 'neutral',
    treeshake: false,
    logLevel: 'warn',
    // `require` is left only in esbuild's shim for a require() it could not bundle, which no module
    // calls (the Handlebars compiler only asks whether require.extensions exists, to register
    // .hbs with it): undefined, as in any ES module, instead of a rolldown helper that would have
    // made its own chunk for the run to load
    transform: { define: { require: 'undefined' } },
  });
  written = await regrouped.write({
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].mjs',
    chunkFileNames: '[name]-[hash:8].mjs',
    hashCharacters: 'hex', // a name splits at its last hyphen, as `hbs-worker-_add-job-0f3a9c2e.mjs`
    // the chunks' names without esbuild's hash (rolldown adds its own)
    sanitizeFileName: (name) => name.replace(/-[A-Z0-9]{8}$/, ''),
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
    codeSplitting: {
      groups: [
        { name: 'cli', test: (id) => cli.has(path.resolve(id)) },
        { name: 'handlebars-runtime', test: (id) => handlebarsRuntime.has(path.resolve(id)) },
      ],
    },
  });
  await regrouped.close();
} finally {
  await rm(compiled, { recursive: true, force: true });
}

// templates/ in one file beside the modules (scripts/pack-templates.mjs): what the bundle reads
const { pack } = await templatesPack(fileURLToPath(new URL('../templates/', import.meta.url)));
await writeFile('dist/templates.pack', pack);

const chunks = written.output.filter((o) => o.type === 'chunk');
const bytes = chunks.reduce((sum, o) => sum + Buffer.byteLength(o.code), 0);
console.log(`dist: ${(bytes / 1024).toFixed(0)} KiB in ${chunks.length} modules, and templates.pack: ${(pack.length / 1024).toFixed(0)} KiB`);
