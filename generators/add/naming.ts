import { KINDS, type AddKind } from './kinds.js';

/**
 * How a name given to `add` becomes files and code. Every derived value is built from a name
 * that matched a strict grammar first, so it is safe in a path, an identifier and a string.
 */
export interface Entry {
  kind: AddKind;
  /** the name, normalised: `orders/recent`, `ping`, `invoice.send` */
  name: string;
  /** the module file name without `.ts`, kebab-case: `orders-recent`, `ping`, `invoice-send` */
  module: string;
  /** the module's export: `ordersRecentRoutes`, `pingCommand`, `invoiceSendJob` */
  identifier: string;
  /** what the user sees: `GET /orders/recent`, `/ping`, `invoice.send` */
  label: string;
}

const ROUTE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)*$/;
const COMMAND = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const JOB = /^[a-z][a-z0-9]*(?:\.[a-z0-9]+)*$/;
/** what a module of an index may be called (the inverse direction: files → entries) */
const MODULE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const MAX_LENGTH: Record<AddKind, number> = { route: 100, command: 32, job: 64 };

/** `a-b-2` → `aB2`: the camelCase of a kebab-case module name. */
export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Why `raw` cannot be the name of a `kind`, or undefined when it can. */
export function nameProblem(kind: AddKind, raw: string): string | undefined {
  const name = normalise(kind, raw);
  const spec = KINDS[kind];
  const grammar = { route: ROUTE, command: COMMAND, job: JOB }[kind];
  if (name.length === 0 || name.length > MAX_LENGTH[kind] || !grammar.test(name)) {
    return `invalid ${kind} name ${JSON.stringify(raw)}: expected ${spec.grammar} (at most ${MAX_LENGTH[kind]} characters), e.g. ${spec.example}`;
  }
  const module = moduleOf(kind, name);
  const reason = Object.hasOwn(spec.reserved, module) ? spec.reserved[module] : undefined; // `constructor` is a name like any other
  if (reason !== undefined) return `${kind} name ${JSON.stringify(raw)} is taken by the template: ${reason}; choose another name`;
  return undefined;
}

/** The entry for a valid name (check it with nameProblem first). */
export function entryFor(kind: AddKind, raw: string): Entry {
  const name = normalise(kind, raw);
  const module = moduleOf(kind, name);
  return { kind, name, module, identifier: `${camelCase(module)}${KINDS[kind].suffix}`, label: labelOf(kind, name) };
}

/**
 * The entry a registration point lists as `./<module>.js`, or undefined when no name maps to that
 * module. Commands and jobs map both ways (their names have no dashes), so a job type is recovered
 * from its file; a route's path is not (`orders/recent` and `orders-recent` share a module), and
 * the index does not need it.
 */
export function entryFromModule(kind: AddKind, module: string): Entry | undefined {
  if (!MODULE.test(module)) return undefined;
  const name = { route: module, command: module.replaceAll('-', '_'), job: module.replaceAll('-', '.') }[kind];
  return { kind, name, module, identifier: `${camelCase(module)}${KINDS[kind].suffix}`, label: labelOf(kind, name) };
}

/** `/orders` and `orders` are the same route, `/ping` and `ping` the same command. */
function normalise(kind: AddKind, raw: string): string {
  return kind === 'job' ? raw : raw.replace(/^\//, '');
}

function moduleOf(kind: AddKind, name: string): string {
  return name.replace(kind === 'route' ? /\//g : kind === 'command' ? /_/g : /\./g, '-');
}

function labelOf(kind: AddKind, name: string): string {
  return kind === 'route' ? `GET /${name}` : kind === 'command' ? `/${name}` : name;
}
