import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOptions, optionMatrix, TEMPLATE_IDS, type OptionValues, type TemplateId } from '../../generators/shared/registry.js';
import { runCliInstalling } from '../helpers/cli.js';
import { runSmoke, SMOKE } from '../helpers/smoke.js';
import { removeDir, tempDir } from '../helpers/paths.js';

/**
 * For every template and every combination of its options: generate outside the repo, install
 * from the npm registry, run the project's own build, lint, typecheck, loop check and tests (its lifecycle
 * tests send real signals), then run the built program and stop it with SIGTERM.
 */
const MINUTES = 60_000;

/**
 * --telemetry doubles every template's matrix, and each variant costs about 3 minutes of CI, so it
 * is covered pairwise: every combination of the other options with the default (none), plus
 * `--telemetry otel` once per template, combined with a non-default value of the other options.
 * Telemetry is one layer (src/telemetry.ts, its test, the afterDrain hook of the stop) whose only
 * contact with the other options is the stop and the span source (HTTP, jobs, updates); the
 * variant below exercises both, its own tests prove the flush and the unreachable collector, and
 * the snapshot test renders every otel combination. The webhook bot has HTTP and update spans;
 * the PostgreSQL worker has a queue shared across processes.
 */
const OTEL_VARIANT: Readonly<Record<TemplateId, OptionValues>> = {
  'http-fastify': { telemetry: 'otel' },
  'telegram-grammy': { mode: 'webhook', telemetry: 'otel' },
  worker: { source: 'postgres', telemetry: 'otel' },
};

function variants(template: TemplateId): OptionValues[] {
  const all = optionMatrix(template);
  const otel = OTEL_VARIANT[template];
  if (!all.some((o) => describeOptions(o) === describeOptions(otel))) throw new Error(`${template}: ${describeOptions(otel)} is not a combination of its options`);
  return [...all.filter((o) => o.telemetry !== 'otel'), otel];
}

const CASES = TEMPLATE_IDS.flatMap((template) => variants(template).map((options) => ({ template, options, label: describeOptions(options) })));

describe.each(CASES)('$template ($label), generated and installed', ({ template, options }) => {
  let root: string;
  let project: string;
  const run = (script: string) => execa('npm', ['run', script], { cwd: project, all: true, reject: false, timeout: 8 * MINUTES });

  beforeAll(async () => {
    root = await tempDir('loopsvc-e2e-');
    project = path.join(root, 'svc');
    const flags = Object.entries(options).flatMap(([k, v]) => (typeof v === 'boolean' ? [v ? `--${k}` : `--no-${k}`] : [`--${k}`, v]));
    const r = await runCliInstalling(['svc', '--template', template, ...flags, '--pm', 'npm', '--no-git'], { cwd: root, project, timeout: 8 * MINUTES });
    expect(r.exitCode, r.stderr).toBe(0);
  }, 12 * MINUTES);

  afterAll(async () => {
    await removeDir(root);
  });

  it('installed from the registry', async () => {
    expect(await readdir(project)).toEqual(expect.arrayContaining(['node_modules', 'package-lock.json']));
  });

  it.each(['build', 'lint', 'typecheck', 'check', 'test'])('npm run %s passes', async (script) => {
    const r = await run(script);
    expect(r.exitCode, r.all).toBe(0);
  }, 10 * MINUTES);

  const smoke = SMOKE[template];
  const skipped = smoke.skip?.(options);
  it.skipIf(skipped !== undefined)(`${smoke.title}${skipped ? ` (skipped: ${skipped})` : ''}`, async () => {
    await runSmoke({ template, templateOptions: options, cwd: project });
  }, 2 * MINUTES);
});
