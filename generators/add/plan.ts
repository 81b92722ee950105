import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LoopsvcError } from '../shared/errors.js';
import { planWrites, writePlan, type PlannedWrite } from '../shared/write.js';
import { findTemplate } from '../shared/registry.js';
import { ADD_KINDS, KINDS, type AddKind } from './kinds.js';
import { entryFor, nameProblem, type Entry } from './naming.js';
import { indexHeader, readRegistrationPoint } from './registration-point.js';
import { renderEntryFiles, renderIndex } from './render-add.js';

/**
 * The steps of `add`, as functions a CLI or a plop action can call: planAddition validates
 * everything and renders every file in memory (it never writes); applyPlan writes a plan that has
 * no problems. A plan with problems is never written, so a refused run leaves the service as it was.
 */

export interface AddRequest {
  /** the service's root folder (absolute, or relative to the process cwd) */
  serviceDir: string;
  kind: AddKind;
  name: string;
}

export interface AddProblem {
  code: string;
  message: string;
}

export interface AddPlan {
  serviceDir: string;
  kind: AddKind;
  /** undefined when the name is invalid */
  entry?: Entry;
  /** in the order they are written: new files first, the registration point last */
  writes: PlannedWrite[];
  problems: AddProblem[];
}

export async function planAddition(request: AddRequest): Promise<AddPlan> {
  const serviceDir = path.resolve(request.serviceDir);
  const { kind } = request;
  const spec = KINDS[kind];
  const plan: AddPlan = { serviceDir, kind, writes: [], problems: [] };
  const refuse = (code: string, message: string): AddPlan => {
    plan.problems.push({ code, message });
    plan.writes = [];
    return plan;
  };

  // 1. the name
  const invalid = nameProblem(kind, request.name);
  if (invalid) return refuse('ADD_INVALID_NAME', invalid);
  const entry = entryFor(kind, request.name);
  plan.entry = entry;

  // 2. the service: a create-loopsvc project of the template that has this kind of entry
  const read = (file: string) => readFile(path.join(serviceDir, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if ((await read('package.json')) === undefined) {
    return refuse('ADD_NOT_A_SERVICE', `no package.json in ${serviceDir}; run create-loopsvc add in the root of a generated service, or pass --dir <service>`);
  }
  const indexText = await read(spec.index);
  if (indexText === undefined) return refuse(...(await notThisTemplate(kind, serviceDir, read)));

  // 3. the registration point, exactly as the generator wrote it
  const current = await readRegistrationPoint(kind, indexText);
  if (!current.ok) return refuse('ADD_REGISTRATION_EDITED', current.problem);
  const sameExport = current.entries.find((e) => e.identifier === entry.identifier && e.module !== entry.module);
  if (sameExport) {
    return refuse(
      'ADD_CLASH',
      `${kind} ${JSON.stringify(request.name)} would export ${entry.identifier}, which ./${sameExport.module}.ts already exports in ${spec.index}; choose another name`,
    );
  }

  // 4. the files, rendered in memory; an existing file must already be identical (never overwritten)
  const files = await renderEntryFiles(entry);
  const creates: PlannedWrite[] = [
    { path: `${spec.sourceDir}/${entry.module}.ts`, after: files.source },
    { path: `${spec.testDir}/${entry.module}.test.ts`, after: files.test },
    ...(files.schemas === undefined ? [] : [{ path: `${spec.sourceDir}/${entry.module}.schemas.ts`, after: files.schemas }]),
  ];
  const clashes: string[] = [];
  for (const write of creates) {
    const existing = await read(write.path);
    if (existing === undefined) plan.writes.push(write);
    else if (existing !== write.after) clashes.push(write.path);
  }
  if (clashes.length > 0) {
    const verb = clashes.length === 1 ? 'exists' : 'exist';
    return refuse(
      'ADD_CLASH',
      `${kind} ${entry.label} clashes with ${clashes.join(' and ')}, which already ${verb} with other content: choose another name, or move the file aside and re-run`,
    );
  }

  // 5. the registration point with the entry, unless it is listed already
  if (!current.entries.some((e) => e.module === entry.module)) {
    const after = await renderIndex(kind, [...current.entries, entry]);
    plan.writes.push({ path: spec.index, before: indexText, after: current.eol === '\n' ? after : after.replaceAll('\n', '\r\n') });
  }
  return plan;
}

/** Why a service without this kind's registration point cannot get the entry. */
async function notThisTemplate(kind: AddKind, serviceDir: string, read: (file: string) => Promise<string | undefined>): Promise<[string, string]> {
  const spec = KINDS[kind];
  for (const other of ADD_KINDS.filter((k) => k !== kind)) {
    const text = await read(KINDS[other].index);
    if (text?.split('\n')[0] === indexHeader(other)) {
      const template = KINDS[other].template;
      return [
        'ADD_WRONG_TEMPLATE',
        `${serviceDir} was generated with --template ${template}, and add ${kind} works in ${spec.template} services; in this one, use create-loopsvc add ${other} <name>`,
      ];
    }
  }
  const title = findTemplate(spec.template)?.title ?? spec.template;
  return [
    'ADD_NOT_A_SERVICE',
    `${serviceDir} has no ${spec.index}: add ${kind} works in services generated by create-loopsvc --template ${spec.template} (${title}), which list their ${kind}s there`,
  ];
}

/**
 * Writes a plan through the write engine: the new files first (never replacing one), then the
 * registration point, re-checked under a lock; a failure or a signal removes the new files again.
 */
export async function applyPlan(plan: AddPlan): Promise<void> {
  if (plan.problems.length > 0) throw problemsError(plan);
  await writePlan(planWrites(plan.serviceDir, plan.writes));
}

/** A plan's problems as the one-line error the CLI prints (exit 2). */
export function problemsError(plan: AddPlan): LoopsvcError {
  const [first] = plan.problems;
  return new LoopsvcError(first?.code ?? 'ADD_FAILED', `${plan.problems.map((p) => p.message).join('; ')}; nothing was written`);
}
