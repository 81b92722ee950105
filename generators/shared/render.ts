import { NODE_ENGINES, NODE_POLICY, NODE_SUPPORTED_TEXT } from './node-policy.js';
import { pmCommands, type PackageManager } from './package-manager.js';
import { dockerData, type DockerData } from './pm-config.js';
import { versionOf } from './versions.js';
import { npmOrder } from './npm-order.js';
import { byPath, type PlannedCreate } from './write.js';
import { servesHttp, templateLayers, templateOptions, type OptionValues, type TemplateId } from './registry.js';
import { TEMPLATES_DIR } from '../templates-dir.js';
import { templateFiles } from './template-files.js';

/**
 * One file of the project to be written (the write engine's PlannedCreate, as bytes), and where
 * it comes from, for --dry-run: `templates/_shared/base/Dockerfile.hbs (layer base), rendered`,
 * `templates/worker/_options/source/redis/src/queue/redis.ts (option source=redis), verbatim`, ...
 * Absent for a file create-loopsvc writes itself (the package manager's files, the record).
 */
export type PlannedFile = PlannedCreate & { contents: Buffer; origin?: string };

/** The values a template may use. Only `.hbs` files see them, through the encoders. */
export interface TemplateData {
  name: string;
  template: TemplateId;
  /** e.g. `npm run`, `pnpm`: safe constants, not user input */
  pmRun: string;
  pmInstall: string;
  /** the template's options as chosen; each selects an overlay folder */
  options: OptionValues;
  /** the package-manager and layout dependent lines of the Dockerfile */
  docker: DockerData;
  /** whether the service answers HTTP (EXPOSE, HEALTHCHECK) */
  http: boolean;
  /** whether node starts with the OpenTelemetry preload (`--telemetry otel`: the Dockerfile CMD) */
  telemetry: boolean;
}

/** The answers a render needs, from which every derived value of TemplateData follows. */
export interface RenderRequest {
  name: string;
  template: TemplateId;
  options: OptionValues;
  pm: PackageManager;
  /** the exact package manager version, when known (the Dockerfile runs that one) */
  pmVersion?: string;
  /** the service's folder relative to its workspace root, in monorepo mode */
  workspaceDir?: string;
}

export function templateData(request: RenderRequest): TemplateData {
  const pm = pmCommands(request.pm);
  return {
    name: request.name,
    template: request.template,
    pmRun: pm.run,
    pmInstall: pm.install.join(' '),
    options: request.options,
    docker: dockerData({ pm: request.pm, version: request.pmVersion }, { name: request.name, workspaceDir: request.workspaceDir }),
    http: servesHttp(request.template, request.options),
    telemetry: request.options.telemetry === 'otel',
  };
}

/** What every template may say about Node (generators/shared/node-policy.ts), for README and Dockerfile. */
const NODE_DATA = { activeLts: NODE_POLICY.activeLts, engines: NODE_ENGINES, supported: NODE_SUPPORTED_TEXT } as const;

/** The named layers several templates are built from: `_shared/<layer>/…` (generators/shared/registry.ts LAYERS). */
export const LAYERS_DIR = '_shared';
/** Per-option overlays: `_options/<key>/<value>/…`, laid over the base files when chosen. */
const OPTIONS_DIR = '_options';
/** Files of the `add` sub-generators (`_add/<kind>/…`): rendered by `create-loopsvc add`, never copied. */
const ADD_DIR = '_add';
const NOT_COPIED = [`${OPTIONS_DIR}/`, `${ADD_DIR}/`];

/** The repository's templates/ folder (the bundle reads the build's pack of it instead: ./template-files.ts). */
export { TEMPLATES_DIR };

/** `_gitignore` → `.gitignore` (npm drops dotfiles from packages); `README.md.hbs` → `README.md`. */
export function destinationPath(sourcePath: string): string {
  return sourcePath
    .split('/')
    .map((segment) => (segment.startsWith('_') ? `.${segment.slice(1)}` : segment))
    .join('/')
    .replace(/\.hbs$/, '');
}

/**
 * Handlebars loads on the first `.hbs` file, not at startup (`--help` never needs it), and only
 * its runtime when the build precompiled the template (every one in the bundle's pack); the
 * compiler loads only running from the sources (the tests), where nothing is precompiled.
 */
export async function renderHandlebars(source: Buffer | string, data: TemplateData): Promise<string> {
  type Data = TemplateData & { node: typeof NODE_DATA };
  const { loadTemplate } = await import('./handlebars-runtime.js');
  const template = await loadTemplate<Data>(source);
  return template({ ...data, node: NODE_DATA });
}

/** Every file of a template folder (overlays included), as POSIX paths relative to it. */
export async function listTemplateFiles(template: TemplateId): Promise<string[]> {
  return listFiles(template);
}

/** The files of a folder of templates/ (POSIX, relative to templates/), without a developer's local artifacts. */
function listFiles(folder: string): string[] {
  return templateFiles().list(folder).filter((file) => !isLocalArtifact(file));
}

/** A folder to take files from, which of its files to take, and why it is taken (for --dry-run). */
export interface Source {
  /** the folder, POSIX, relative to templates/ (`_shared/base`, `worker/_options/source/redis`) */
  root: string;
  files: string[];
  /** `layer base`, `template worker`, `option source=redis` */
  why: string;
}

/**
 * The sources of a render, in order (a later file replaces an earlier one; package.json files
 * merge): the template's layers as the registry lists them, the template's base (without its
 * overlays), then the overlay of each chosen option value in registry order. Which of them may
 * provide the same file is declared in the registry and checked by test/unit/layers.test.ts.
 */
export async function renderSources(template: TemplateId, options: OptionValues): Promise<Source[]> {
  const layers = templateLayers(template, options).map((name) => {
    const from = `${LAYERS_DIR}/${name}`;
    return { root: from, files: listFiles(from), why: `layer ${name}` };
  });
  const base = { root: template, files: listFiles(template).filter((f) => !NOT_COPIED.some((dir) => f.startsWith(dir))), why: `template ${template}` };
  const overlays = templateOptions(template)
    .filter((o) => options[o.key] !== undefined)
    .map((o) => {
      const overlay = `${template}/${OPTIONS_DIR}/${o.key}/${String(options[o.key])}`;
      return { root: overlay, files: listFiles(overlay), why: `option ${o.key}=${String(options[o.key])}` };
    });
  return [...layers, base, ...overlays];
}

/** Render every file of a template, with its chosen options, into memory in a stable order. */
export async function renderTemplate(template: TemplateId, data: TemplateData): Promise<PlannedFile[]> {
  const sources = new Map<string, Array<{ raw: Buffer; from: string }>>();
  const templates = templateFiles();
  for (const layer of await renderSources(template, data.options)) {
    for (const file of layer.files) {
      const taken = { raw: templates.read(`${layer.root}/${file}`), from: `templates/${layer.root}/${file} (${layer.why})` };
      sources.set(file, file === 'package.json' ? [...(sources.get(file) ?? []), taken] : [taken]);
    }
  }
  const files = await Promise.all(
    [...sources].map(async ([source, taken]): Promise<PlannedFile> => {
      const target = destinationPath(source);
      if (source === 'package.json') {
        const origin = `${taken.map((t) => t.from).join(' + ')}, merged, with the versions of create-loopsvc`;
        return { path: target, contents: renderPackageJson(taken.map((t) => t.raw), data), origin };
      }
      const { raw, from } = taken[0] ?? { raw: Buffer.alloc(0), from: '' };
      if (source.endsWith('.hbs')) return { path: target, contents: Buffer.from(await renderHandlebars(raw, data)), origin: `${from}, rendered` };
      return { path: target, contents: raw, origin: `${from}, verbatim` };
    }),
  );
  return files.sort(byPath);
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * package.json is data: parse each layer and merge (an overlay adds or replaces scripts and
 * dependencies), set the name, pin versions from the one source, stringify.
 */
export function renderPackageJson(layers: readonly Buffer[], data: TemplateData): Buffer {
  const pkg = layers.map((raw) => JSON.parse(raw.toString('utf8')) as PackageJson).reduce(mergePackageJson);
  pkg.name = data.name;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    // in npm's order, overlays' additions included: the user's first `npm install` moves no line
    const names = Object.keys(deps).sort(npmOrder);
    pkg[field] = Object.fromEntries(
      names.map((dependency) => {
        const version = versionOf(dependency);
        if (!version) {
          throw new Error(`template ${data.template}: no version for ${dependency}; add it to the root devDependencies`);
        }
        return [dependency, version];
      }),
    );
  }
  // the one Node policy, never a template's own copy of it; placed where people look for it
  const entries = Object.entries(pkg).filter(([key]) => key !== 'engines');
  const at = entries.findIndex(([key]) => key === 'type') + 1 || entries.length;
  entries.splice(at, 0, ['engines', { node: NODE_ENGINES }]);
  return Buffer.from(`${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
}

function mergePackageJson(base: PackageJson, overlay: PackageJson): PackageJson {
  const merged: PackageJson = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = merged[key];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return merged;
}

/** Things a developer may have left in a template folder while trying it out. */
function isLocalArtifact(file: string): boolean {
  return /(^|\/)(node_modules|dist|coverage)\//.test(file) || /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lockb?)$/.test(file);
}
