// Bundles the CLI with zero runtime dependencies (as create-vite ships), so `npm create loopsvc`
// installs a single package. Everything it imports is inlined.
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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
const builtinsAtRuntime = {
  name: 'builtins-at-runtime',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'builtin' }));
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

const result = await build({
  // the CLI, and the plopfile that `plop` and `turbo gen` load; shared code goes to one chunk
  entryPoints: { index: 'generators/index.ts', plopfile: 'generators/plopfile.ts' },
  outdir: 'dist',
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
  // CommonJS dependencies (prompts, handlebars) call require() for Node built-ins.
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
});

// templates/ in one file beside the modules (scripts/pack-templates.mjs): what the bundle reads
const { pack } = await templatesPack(fileURLToPath(new URL('../templates/', import.meta.url)));
await writeFile('dist/templates.pack', pack);

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`dist: ${(bytes / 1024).toFixed(0)} KiB in ${Object.keys(result.metafile.outputs).length} files, and templates.pack: ${(pack.length / 1024).toFixed(0)} KiB`);
