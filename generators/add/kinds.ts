import type { TemplateId } from '../shared/registry.js';

/**
 * The three things `create-loopsvc add` can add, one row each: which template has them, where
 * their files and their registration point live, and how a name becomes a module and an export.
 * The registration point is a generated file (see generators/add/command.ts for why).
 */
export const ADD_KINDS = ['route', 'command', 'job'] as const;
export type AddKind = (typeof ADD_KINDS)[number];

export interface KindSpec {
  readonly kind: AddKind;
  readonly template: TemplateId;
  /** the generated registration point, rewritten entirely by `add` */
  readonly index: string;
  /** where the entry modules live (the index imports `./<module>.js`) */
  readonly sourceDir: string;
  readonly testDir: string;
  /** appended to the camelCase module name: `orders` → `ordersRoutes` */
  readonly suffix: string;
  /** what a valid name looks like, for the error message */
  readonly grammar: string;
  readonly example: string;
  /** names that are valid but taken by the template itself, and why */
  readonly reserved: Readonly<Record<string, string>>;
  /** an entry also gets `<module>.schemas.ts` (`_add/<kind>/entry.schemas.ts.hbs`): its schemas, which the build writes as JSON */
  readonly schemaModule?: true;
}

export const KINDS: Readonly<Record<AddKind, KindSpec>> = {
  route: {
    kind: 'route',
    template: 'http-fastify',
    index: 'src/routes/index.ts',
    sourceDir: 'src/routes',
    testDir: 'test/routes',
    suffix: 'Routes',
    schemaModule: true,
    grammar: 'a URL path of lowercase letters, digits and dashes, segments separated by "/" (parameters go in the generated file)',
    example: 'orders',
    reserved: {
      index: 'src/routes/index.ts is the registration point',
      health: 'src/routes/health.ts holds the probes',
      live: 'GET /live is the liveness probe (src/routes/health.ts)',
      ready: 'GET /ready is the readiness probe (src/routes/health.ts)',
      openapi: 'src/routes/openapi.ts serves the OpenAPI document (GET /openapi.json)',
    },
  },
  command: {
    kind: 'command',
    template: 'telegram-grammy',
    index: 'src/handlers/index.ts',
    sourceDir: 'src/handlers',
    testDir: 'test/handlers',
    suffix: 'Handler',
    grammar: 'a Telegram command: 1-32 lowercase letters, digits and single underscores, starting with a letter',
    example: 'ping',
    reserved: {
      index: 'src/handlers/index.ts is the registration point',
      echo: 'src/handlers/echo.ts answers any text that is not a command',
    },
  },
  job: {
    kind: 'job',
    template: 'worker',
    index: 'src/jobs/index.ts',
    sourceDir: 'src/jobs',
    testDir: 'test/jobs',
    suffix: 'Job',
    grammar: 'a job type: lowercase letters and digits, parts separated by ".", starting with a letter',
    example: 'invoice.send',
    reserved: {
      index: 'src/jobs/index.ts is the registration point',
      handlers: 'src/jobs/handlers.ts builds the handlers',
    },
  },
};

export function isAddKind(value: string): value is AddKind {
  return (ADD_KINDS as readonly string[]).includes(value);
}
