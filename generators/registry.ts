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
  readonly when?: { readonly key: string; readonly value: string | boolean };
}

/**
 * Files a template takes verbatim from another template folder at render time, so a convention
 * (the loop ruleset, the HTTP drain) is written once. The template's own files win over borrowed
 * ones. `templates/_shared` holds what every template borrows.
 */
export interface Borrowed {
  readonly from: string;
  /** paths relative to `from`; absent means every file of it */
  readonly files?: readonly string[];
  readonly when?: { readonly key: string; readonly value: string | boolean };
}

export interface TemplateDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly guarantees: readonly string[];
  readonly options: readonly TemplateOption[];
  readonly borrow?: readonly Borrowed[];
  /** whether the service answers HTTP (its Dockerfile exposes a port and checks /live): always, or with an option value */
  readonly http: boolean | { readonly key: string; readonly value: string | boolean };
}

/**
 * What every generated project has in common (templates/_shared): the loop ruleset
 * (eslint/loop-rules) with its ESLint config, the dependency/Dockerfile check, startup config
 * reading (src/startup/env.ts), the TypeScript and vitest setup, and the loop-delay guard.
 */
const SHARED = { from: '_shared' } as const satisfies Borrowed;

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
const SHARED_TELEMETRY = { from: '_shared-telemetry', when: { key: 'telemetry', value: 'otel' } } as const satisfies Borrowed;

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
    borrow: [SHARED, SHARED_TELEMETRY],
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
    borrow: [
      SHARED,
      SHARED_TELEMETRY,
      {
        from: 'http-fastify',
        files: [
          'src/workers/hash.ts',
          'test/helpers/service.ts',
          'test/helpers/slow-client.ts',
          'test/helpers/fake-upstream.ts',
        ],
      },
      { from: 'http-fastify', files: ['src/plugins/drain.ts', 'src/routes/health.ts', 'src/schemas.ts'], when: { key: 'mode', value: 'webhook' } },
    ],
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
    borrow: [
      SHARED,
      SHARED_TELEMETRY,
      {
        from: 'http-fastify',
        files: [
          'test/fixtures/reject-on-stdin.mjs',
        ],
      },
      // the tests of a queue that several processes share, the same for both servers
      { from: '_shared-queue', when: { key: 'source', value: 'postgres' } },
      { from: '_shared-queue', when: { key: 'source', value: 'redis' } },
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

/** Whether an option (or a borrowed set of files) applies given the values chosen so far. */
export function optionApplies(option: { readonly when?: TemplateOption['when'] }, values: OptionValues): boolean {
  return option.when === undefined || values[option.when.key] === option.when.value;
}

/** Whether a template, with these options, serves HTTP. */
export function servesHttp(id: TemplateId, values: OptionValues): boolean {
  const http = findTemplate(id)?.http ?? false;
  return typeof http === 'boolean' ? http : values[http.key] === http.value;
}

export function borrowedFiles(id: TemplateId): readonly Borrowed[] {
  return findTemplate(id)?.borrow ?? [];
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
