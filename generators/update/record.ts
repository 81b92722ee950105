import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, LoopsvcError } from '../shared/errors.js';
import { isPackageManager, type PackageManager } from '../shared/package-manager.js';
import { findTemplate, type OptionValues, type TemplateId } from '../shared/registry.js';
import type { PlannedFile } from '../shared/render.js';
import { gitBlobId } from '../shared/blob-id.js';

/**
 * The record of what was generated, `.loopsvc.json` at the root of every service. It holds the
 * answers (template, options, name, package manager), the scaffolder version that rendered
 * them, and the git blob id of every file exactly as the template rendered it. The blob ids let
 * `create-loopsvc update` tell which files the user changed (their blob id moved) and recover
 * what the template wrote from the repository's own objects (`git cat-file blob <id>`), with no
 * network.
 *
 * Every generated file is listed, package.json and .env.example included: a file the user edits
 * stays theirs because update merges (a file changed on both sides is three-way merged, a file
 * only the user changed is left alone), not because it is left out of the record. package.json
 * is merged as data, key by key. Files the template never wrote (.env, lockfiles, the user's own
 * modules) are not listed, so update never touches them.
 */
export const RECORD_FILE = '.loopsvc.json';

export interface ServiceRecord {
  generator: 'create-loopsvc';
  version: string;
  template: TemplateId;
  options: OptionValues;
  name: string;
  pm: PackageManager;
  /** the exact package manager version generation saw (the Dockerfile installs with it) */
  pmVersion?: string;
  /** POSIX path → git blob id of the content the template rendered */
  files: Record<string, string>;
}

export type Answers = Pick<ServiceRecord, 'template' | 'options' | 'name' | 'pm' | 'pmVersion'>;

/** The record of a rendered plan, as the file that goes with it. */
export function recordFile(plan: readonly PlannedFile[], answers: Answers, version: string): PlannedFile {
  const files: Record<string, string> = {};
  for (const file of plan) if (file.path !== RECORD_FILE) files[file.path] = gitBlobId(file.contents);
  const record: ServiceRecord = { generator: 'create-loopsvc', version, ...answers, files };
  return { path: RECORD_FILE, contents: Buffer.from(`${JSON.stringify(record, null, 2)}\n`) };
}

/** The plan with its record appended: what generation writes. */
export function withRecord(plan: readonly PlannedFile[], answers: Answers, version: string): PlannedFile[] {
  return [...plan.filter((f) => f.path !== RECORD_FILE), recordFile(plan, answers, version)];
}

/** The service's record, checked; undefined when it has none (generated before records existed). */
export async function readRecord(serviceDir: string): Promise<ServiceRecord | undefined> {
  const file = path.join(serviceDir, RECORD_FILE);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const broken = (why: string) =>
    new LoopsvcError('RECORD_INVALID', `${file} is not a create-loopsvc record (${why}); restore it with git checkout -- ${RECORD_FILE}`, EXIT.invalidInput);
  let data: Partial<ServiceRecord>;
  try {
    data = JSON.parse(text) as Partial<ServiceRecord>;
  } catch {
    throw broken('not JSON');
  }
  // semver loads here, for `update`: generation writes a record but never reads one
  const { default: valid } = await import('semver/functions/valid.js');
  if (data.generator !== 'create-loopsvc' || typeof data.version !== 'string' || valid(data.version) === null) throw broken('no generator and version');
  if (typeof data.template !== 'string' || !findTemplate(data.template)) throw broken(`unknown template ${JSON.stringify(data.template)}`);
  if (typeof data.name !== 'string' || typeof data.pm !== 'string' || !isPackageManager(data.pm)) throw broken('no package name or package manager');
  if (typeof data.options !== 'object' || data.options === null || typeof data.files !== 'object' || data.files === null) throw broken('no options or files');
  return data as ServiceRecord;
}
