import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ADD_KINDS, KINDS } from '../add/kinds.js';
import { indexHeader } from '../add/registration-point.js';
import { EXIT, LoopsvcError } from '../shared/errors.js';
import { planService } from '../create/plan-service.js';
import type { MonorepoPlan } from '../create/monorepo.js';
import { resolveOptions } from '../create/options.js';
import type { PackageManager } from '../shared/package-manager.js';
import { describeOptions, findTemplate, optionApplies, optionMatrix, templateOptions, type OptionValues, type TemplateId } from '../shared/registry.js';
import type { PlannedFile } from '../shared/render.js';
import { SCAFFOLDER_VERSION } from '../shared/versions.js';
import { projectPackageManager, readJson } from '../shared/workspace.js';
import type { BaseFiles } from './plan.js';
import { gitBlobId } from '../shared/blob-id.js';
import { RECORD_FILE, withRecord, type Answers } from './record.js';
import { renderWithPackage } from './render-old.js';

/** The answers a service was generated with, and what that generated. */
export interface Candidate {
  answers: Answers;
  base: BaseFiles;
}

/** The current templates rendered for a service, as generation would write them (record included). */
export async function renderCurrent(answers: Answers, serviceDir: string, mono: MonorepoPlan | undefined): Promise<PlannedFile[]> {
  return withRecord(await planService(answers, serviceDir, mono), answers, SCAFFOLDER_VERSION);
}

/**
 * The recorded answers with the options given to update laid over them: `--mode webhook`
 * switches a polling bot. An option that no longer applies (`runner` once the mode is webhook)
 * is dropped; one that now applies takes its default. Validated exactly as generation validates.
 */
export async function changedAnswers(old: Answers, change: { template?: string; templateOptions: OptionValues }, serviceDir: string): Promise<Answers> {
  if (change.template !== undefined && change.template !== old.template) {
    throw new LoopsvcError(
      'TEMPLATE_SWITCH',
      `${serviceDir} is a ${old.template} service; update keeps its template, so --template ${change.template} cannot apply (generate a new service for another template)`,
    );
  }
  const values: Record<string, string | boolean> = {};
  for (const option of templateOptions(old.template)) {
    const given = change.templateOptions[option.key];
    const value = given ?? old.options[option.key];
    if (value !== undefined && (given !== undefined || optionApplies(option, values))) values[option.key] = value;
  }
  for (const [key, value] of Object.entries(change.templateOptions)) values[key] ??= value;
  const flags = { dir: serviceDir, template: old.template, name: old.name, pm: old.pm, install: false, git: false, dryRun: true, yes: true, help: false, version: false, templateOptions: values };
  const resolved = await resolveOptions(flags, { interactive: false, cwd: serviceDir, env: {} });
  return { template: old.template, options: resolved.templateOptions, name: old.name, pm: old.pm };
}

/** The templates whose registration point (written by every version, add's header first) a service has. */
export async function recognisedTemplates(serviceDir: string): Promise<TemplateId[]> {
  const found: TemplateId[] = [];
  for (const kind of ADD_KINDS) {
    const text = await readFile(path.join(serviceDir, KINDS[kind].index), 'utf8').catch(() => undefined);
    if (text?.split(/\r?\n/)[0] === indexHeader(kind)) found.push(KINDS[kind].template);
  }
  return found;
}

export interface DetectRequest {
  /** the package that generated the service: npm spec, tarball or folder */
  spec: string;
  template?: string;
  /** the workspace's package manager, in a monorepo */
  pm?: PackageManager;
  adapt: (plan: PlannedFile[]) => Promise<PlannedFile[]>;
}

/**
 * A service from before records: the template is the one given, or recognised by its
 * registration point; the options are the combination whose render matches the most of the
 * service's files as they are now (options given to update are the new ones, as with a record). Each candidate is rendered with the
 * old package, so the base of every file is exactly what that version wrote.
 */
export async function detectAnswers(serviceDir: string, request: DetectRequest): Promise<Candidate> {
  const pkg = await readJson<{ name?: string }>(path.join(serviceDir, 'package.json'));
  if (!pkg?.name) throw new LoopsvcError('UPDATE_NO_NAME', `${serviceDir}/package.json has no name; add the name it was generated with`);
  let templates: TemplateId[];
  if (request.template !== undefined) {
    const found = findTemplate(request.template);
    if (!found) throw new LoopsvcError('UNKNOWN_TEMPLATE', `unknown template ${JSON.stringify(request.template)} for --template`);
    templates = [found.id as TemplateId];
  } else {
    templates = await recognisedTemplates(serviceDir);
    if (templates.length !== 1) throw new LoopsvcError('TEMPLATE_UNKNOWN', `cannot tell which template generated ${serviceDir}; pass --template <id>`);
  }
  const pm = request.pm ?? (await projectPackageManager(serviceDir));
  const combos = templates.flatMap((template) =>
    optionMatrix(template).map((options): Answers => ({ template, options, name: pkg.name!, pm })),
  );
  // Options this version has and the older one did not (--telemetry) are left out of what it is
  // asked to render; the update then gives them their defaults, like any option that now applies.
  const unknown = new Set<string>();
  const tried = new Set<string>();
  const scored = [];
  for (let i = 0; i < combos.length; i += 1) {
    const combo = combos[i]!;
    const answers: Answers = { ...combo, options: Object.fromEntries(Object.entries(combo.options).filter(([key]) => !unknown.has(key))) };
    const id = `${answers.template} ${describeOptions(answers.options)}`;
    if (tried.has(id)) continue;
    // an option value this version offers and the older one did not (--source redis) is no candidate
    const rendered = await renderWithPackage(request.spec, answers).catch((error: unknown) => {
      if (!(error instanceof LoopsvcError)) throw error;
      if (/invalid value/.test(error.message)) return undefined;
      const option = /unknown option --(?:no-)?([\w-]+)/.exec(error.message)?.[1];
      if (option !== undefined && option in answers.options && !unknown.has(option)) return option;
      throw error;
    });
    if (typeof rendered === 'string') {
      unknown.add(rendered);
      i -= 1; // the same combination again, without that option
      continue;
    }
    tried.add(id);
    if (!rendered) continue;
    const files = await request.adapt(rendered);
    let same = 0;
    for (const file of files) {
      const now = await readFile(path.join(serviceDir, file.path)).catch(() => undefined);
      if (now?.equals(file.contents)) same += 1;
    }
    scored.push({ answers, files, same });
  }
  scored.sort((a, b) => b.same - a.same);
  const [best, second] = scored;
  if (!best || best.same === 0 || (second && second.same === best.same)) {
    throw new LoopsvcError('OPTIONS_UNKNOWN', `cannot tell which options generated ${serviceDir}: ${scored.map((s) => describeOptions(s.answers.options)).join(' and ')} match equally; commit a ${RECORD_FILE} naming them`, EXIT.invalidInput);
  }
  const contents = new Map(best.files.map((f) => [f.path, f.contents]));
  return {
    answers: best.answers,
    base: { ids: Object.fromEntries(best.files.map((f) => [f.path, gitBlobId(f.contents)])), content: async (file) => contents.get(file) },
  };
}
