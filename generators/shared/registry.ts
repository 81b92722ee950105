/**
 * The one table of templates. It drives --help, validation of --template and of template
 * options, the interactive choices, the render step and the test matrix: adding a template is
 * one row here and one folder under templates/<id>/.
 */

/**
 * A choice a template offers (`--<key> <value>`, or `--<key>`/`--no-<key>` for a boolean).
 * The files that differ per value live in `templates/<id>/_options/<key>/<value>/` and are laid
 * over the template's base files; a `package.json` there is merged into the base one.
 */
export interface TemplateOption {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly kind: 'choice' | 'boolean';
  readonly choices?: readonly { readonly value: string; readonly title: string }[];
  readonly default: string | boolean;
  /** the option exists only when another option of the template has this value */
  readonly when?: OptionCondition;
}

/** A condition on one option's value: the option exists, or a layer applies, only then. */
export interface OptionCondition {
  readonly key: string;
  readonly value: string | boolean;
}

/**
 * The named layers under `templates/_shared/<name>/`: folders of files that several templates are
 * built from, so a convention (the loop ruleset, the HTTP drain) is written once. A template lists
 * the layers it takes; every file of a layer is taken.
 */
export const LAYERS = {
  base: 'what every project has: the loop ruleset and its ESLint config, the dependency/Dockerfile check, startup config reading, logging, the TypeScript and vitest setup, the loop-delay guard',
  telemetry: 'the OpenTelemetry preload (src/telemetry.ts), its SDK setup and test collector, with --telemetry otel',
  http: 'serving HTTP on Fastify: the drain plugin, the /live and /ready probes, the shared schemas, the slow-client test helper',
  'cpu-pool': 'the CPU-bound example task the piscina pool runs on a worker thread (src/workers/hash.ts)',
  'service-tests': 'test helpers that start the built service as production does and stand in for its HTTP upstream',
  'fatal-fixture': 'the test preload that raises an unhandled rejection, for the exit-1 lifecycle test (R4.7)',
  queue: 'the tests of a job queue that several worker processes share (the same for PostgreSQL and Redis)',
} as const;

export type LayerName = keyof typeof LAYERS;

/** One layer a template is built from, always or only with an option value. */
export interface LayerUse {
  readonly name: LayerName;
  readonly when?: OptionCondition;
}

export interface TemplateDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly guarantees: readonly string[];
  readonly options: readonly TemplateOption[];
  /**
   * The layers laid under the template's own files, in order. A file may come from one place
   * only: a template file (base or option overlay) that replaces a layer's file, or an overlay
   * that replaces a base file, is listed in `overrides` with the reason (test/unit/layers.test.ts).
   */
  readonly layers: readonly LayerUse[];
  /** output paths (as in the generated project) this template provides over a layer's or its base's file on purpose, with why */
  readonly overrides?: Readonly<Record<string, string>>;
  /** whether the service answers HTTP (its Dockerfile exposes a port and checks /live): always, or with an option value */
  readonly http: boolean | OptionCondition;
}

/**
 * `--telemetry`: the same row on every template. `none` is the default: a new service starts with
 * no collector to run, no export errors in its log and no SDK in its startup time or memory;
 * `otel` is one flag away (BENCHMARKS.md says what it costs).
 */
const TELEMETRY = {
  key: 'telemetry',
  title: 'Telemetry',
  description: 'none, or OpenTelemetry traces and metrics over OTLP/HTTP, set by the OTEL_* variables and flushed after the drain',
  kind: 'choice',
  choices: [
    { value: 'none', title: 'None' },
    { value: 'otel', title: 'OpenTelemetry (OTLP over HTTP)' },
  ],
  default: 'none',
} as const satisfies TemplateOption;

/** The preload that starts the SDK (src/telemetry.ts) and its tests, with --telemetry otel. */
const TELEMETRY_LAYER = { name: 'telemetry', when: { key: 'telemetry', value: 'otel' } } as const satisfies LayerUse;

export const TEMPLATES = [
  {
    id: 'http-fastify',
    title: 'HTTP service (Fastify)',
    description: 'Fastify 5 service with an onReady/onClose lifespan, /live and /ready probes',
    guarantees: [
      'resources (undici pool, piscina pool) owned by the lifespan: usable from onReady, started on first use, closed in onClose',
      'SIGTERM/SIGINT: /ready turns 503, drain delay, in-flight requests finish, exit 0',
      'keep-alive clients neither stall shutdown nor see a connection reset',
      'second signal, shutdown timeout or fatal error: exit 1',
    ],
    options: [TELEMETRY],
    layers: [{ name: 'base' }, TELEMETRY_LAYER, { name: 'http' }, { name: 'cpu-pool' }, { name: 'service-tests' }, { name: 'fatal-fixture' }],
    http: true,
  },
  {
    id: 'telegram-grammy',
    title: 'Telegram bot (grammY)',
    description: 'grammY bot, long polling or a Fastify webhook: no update lost, none repeated on a graceful stop',
    guarantees: [
      'SIGTERM/SIGINT: the update in progress finishes, the rest of the batch stays unconfirmed, exit 0',
      'an idle long poll does not delay shutdown; second signal or shutdown timeout: exit 1',
      'SIGKILL: no update lost (polling, --runner); handled again instead',
      'webhook: secret token checked before the body (401 otherwise), same drain contract as http-fastify',
    ],
    options: [
      {
        key: 'mode',
        title: 'How the bot receives updates',
        description: 'long polling (one instance per token) or a webhook on Fastify (scales out)',
        kind: 'choice',
        choices: [
          { value: 'polling', title: 'Long polling' },
          { value: 'webhook', title: 'Webhook on Fastify' },
        ],
        default: 'polling',
      },
      {
        key: 'runner',
        title: 'Handle updates concurrently with @grammyjs/runner?',
        description: 'concurrent handlers with @grammyjs/runner, drained on shutdown',
        kind: 'boolean',
        default: false,
        when: { key: 'mode', value: 'polling' },
      },
      TELEMETRY,
    ],
    layers: [
      { name: 'base' },
      TELEMETRY_LAYER,
      { name: 'cpu-pool' },
      { name: 'service-tests' },
      { name: 'http', when: { key: 'mode', value: 'webhook' } },
    ],
    overrides: {
      'src/logger.ts': 'the bot redacts its token from every log line, which the base logger cannot know',
      'eslint.config.js': 'the base config plus the grammY rules (polling only in src/polling.ts), a second entry point (src/set-webhook.ts) and the pool in src/resources.ts',
    },
    http: { key: 'mode', value: 'webhook' },
  },
  {
    id: 'worker',
    title: 'Background worker (job queue)',
    description: 'job worker on pg-boss, BullMQ or an in-memory queue: bounded concurrency, retries with capped backoff, dead letters',
    guarantees: [
      'SIGTERM/SIGINT while idle: exit at once; while busy: no new claims, in-flight jobs finish and are acknowledged, exit 0',
      'second signal: exit 1; shutdown timeout: in-flight jobs go back to the queue, exit 1',
      'postgres (pg-boss) and redis (BullMQ): many workers share one queue, each job held by one at a time, none lost on SIGKILL',
    ],
    options: [
      {
        key: 'source',
        title: 'Where jobs come from',
        description: 'in-memory queue (zero setup), pg-boss on PostgreSQL or BullMQ on Redis, shared by many workers',
        kind: 'choice',
        choices: [
          { value: 'memory', title: 'In-memory (development, zero setup)' },
          { value: 'postgres', title: 'PostgreSQL (pg-boss)' },
          { value: 'redis', title: 'Redis (BullMQ)' },
        ],
        default: 'memory',
      },
      TELEMETRY,
    ],
    layers: [
      { name: 'base' },
      TELEMETRY_LAYER,
      { name: 'fatal-fixture' },
      // the tests of a queue that several processes share, the same for both servers
      { name: 'queue', when: { key: 'source', value: 'postgres' } },
      { name: 'queue', when: { key: 'source', value: 'redis' } },
    ],
    http: false,
  },
] as const satisfies readonly TemplateDefinition[];

export type Template = (typeof TEMPLATES)[number];
export type TemplateId = Template['id'];
export type OptionValues = Readonly<Record<string, string | boolean>>;

export const DEFAULT_TEMPLATE: TemplateId = 'http-fastify';

export const TEMPLATE_IDS: readonly TemplateId[] = TEMPLATES.map((t) => t.id);

export function findTemplate(id: string): TemplateDefinition | undefined {
  return (TEMPLATES as readonly TemplateDefinition[]).find((t) => t.id === id);
}

export function templateOptions(id: TemplateId): readonly TemplateOption[] {
  return findTemplate(id)?.options ?? [];
}

/** Every option of every template, once per key (the CLI accepts the union, then validates). */
export function allOptions(): TemplateOption[] {
  const byKey = new Map<string, TemplateOption>();
  for (const t of TEMPLATES as readonly TemplateDefinition[]) for (const o of t.options) if (!byKey.has(o.key)) byKey.set(o.key, o);
  return [...byKey.values()];
}

/** Whether an option (or a layer) applies given the values chosen so far. */
export function optionApplies(option: { readonly when?: TemplateOption['when'] }, values: OptionValues): boolean {
  return option.when === undefined || values[option.when.key] === option.when.value;
}

/** Whether a template, with these options, serves HTTP. */
export function servesHttp(id: TemplateId, values: OptionValues): boolean {
  const http = findTemplate(id)?.http ?? false;
  return typeof http === 'boolean' ? http : values[http.key] === http.value;
}

/** The layers a template is built from with these options, in order. */
export function templateLayers(id: TemplateId, values: OptionValues): LayerName[] {
  const uses: readonly LayerUse[] = findTemplate(id)?.layers ?? [];
  return [...new Set(uses.filter((use) => optionApplies(use, values)).map((use) => use.name))];
}

/** Every valid combination of a template's options: the test matrix. */
export function optionMatrix(id: TemplateId): OptionValues[] {
  let combos: Array<Record<string, string | boolean>> = [{}];
  for (const option of templateOptions(id)) {
    const values = option.kind === 'boolean' ? [false, true] : (option.choices ?? []).map((c) => c.value);
    combos = combos.flatMap((combo) => (optionApplies(option, combo) ? values.map((v) => ({ ...combo, [option.key]: v })) : [combo]));
  }
  return combos;
}

/** `--mode webhook --runner` style label for a combination, for test names and messages. */
export function describeOptions(values: OptionValues): string {
  const parts = Object.entries(values).map(([k, v]) => (typeof v === 'boolean' ? (v ? `--${k}` : `--no-${k}`) : `--${k} ${v}`));
  return parts.length > 0 ? parts.join(' ') : 'defaults';
}
