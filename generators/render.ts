import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { jsonString, markdownText, tsString } from './encode.js';
import { versionOf } from './versions.js';
import type { TemplateId } from './registry.js';

/** One file of the project to be written: a POSIX path relative to the project root. */
export interface PlannedFile {
  path: string;
  contents: Buffer;
}

/** The values a template may use. Only `.hbs` files see them, through the encoders. */
export interface TemplateData {
  name: string;
  template: TemplateId;
  /** e.g. `npm run`, `pnpm`: safe constants, not user input */
  pmRun: string;
  pmInstall: string;
}

/**
 * Templates ship in the package next to dist/ (and next to generators/ in this repo), so the
 * path is resolved from this module, never from the cwd. The bundle is one level deep too.
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

const handlebars = Handlebars.create();
handlebars.registerHelper('md', (value: unknown) => markdownText(String(value)));
handlebars.registerHelper('json', (value: unknown) => jsonString(String(value)));
handlebars.registerHelper('tsString', (value: unknown) => tsString(String(value)));

/** `_gitignore` → `.gitignore` (npm drops dotfiles from packages); `README.md.hbs` → `README.md`. */
export function destinationPath(sourcePath: string): string {
  return sourcePath
    .split('/')
    .map((segment) => (segment.startsWith('_') ? `.${segment.slice(1)}` : segment))
    .join('/')
    .replace(/\.hbs$/, '');
}

export function renderHandlebars(source: string, data: TemplateData): string {
  return handlebars.compile(source, { noEscape: true, strict: true })(data);
}

export async function listTemplateFiles(template: TemplateId): Promise<string[]> {
  const root = path.join(TEMPLATES_DIR, template);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !isLocalArtifact(file))
    .sort();
}

/** Render every file of a template into memory, in a stable order. */
export async function renderTemplate(template: TemplateId, data: TemplateData): Promise<PlannedFile[]> {
  const root = path.join(TEMPLATES_DIR, template);
  const sources = await listTemplateFiles(template);
  const files = await Promise.all(
    sources.map(async (source): Promise<PlannedFile> => {
      const raw = await readFile(path.join(root, source));
      const target = destinationPath(source);
      if (source === 'package.json') return { path: target, contents: renderPackageJson(raw, data) };
      if (source.endsWith('.hbs')) {
        return { path: target, contents: Buffer.from(renderHandlebars(raw.toString('utf8'), data)) };
      }
      return { path: target, contents: raw };
    }),
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** package.json is data: parse, set the name, pin versions from the one source, stringify. */
export function renderPackageJson(raw: Buffer, data: TemplateData): Buffer {
  const pkg = JSON.parse(raw.toString('utf8')) as PackageJson;
  pkg.name = data.name;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    for (const dependency of Object.keys(deps)) {
      const version = versionOf(dependency);
      if (!version) {
        throw new Error(`template ${data.template}: no version for ${dependency}; add it to the root devDependencies`);
      }
      deps[dependency] = version;
    }
  }
  return Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`);
}

/** Things a developer may have left in a template folder while trying it out. */
function isLocalArtifact(file: string): boolean {
  return /(^|\/)(node_modules|dist|coverage)\//.test(file) || /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lockb?)$/.test(file);
}
