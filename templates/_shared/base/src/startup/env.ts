// Reading the configuration from the environment, once, at startup (R2.3: synchronous work is
// fine only before the service serves anything). src/config.ts builds on this: it declares the
// variables; this turns every bad one into one line that names it, never showing a secret.
//
// The declarations use the shape of JSON Schema (type, minimum, enum, pattern, default...), read by
// the few lines below rather than by a schema validator: env-schema (its own ajv, compiling the
// schema at every start) cost about 50 ms and 6.5 MB before the first answer, for a dozen variables.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A bad or missing setting: readConfig() prints the message (one line) and the exit code is 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * What src/main.ts calls first: `load` (src/config.ts's loadConfig) reads the environment. A bad
 * setting is a mistake of whoever deploys, not a crash of the program: it gets one line on stderr
 * naming the variable (no stack trace to scroll through, no secret shown) and exit code 1, and
 * nothing else starts. Any other error is a bug and is thrown as it is.
 */
export function readConfig<T>(load: (env: Record<string, string | undefined>) => T, env: Record<string, string | undefined> = process.env): T | undefined {
  try {
    return load(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

/** One environment variable: a string, an integer, a number or a boolean, with its bounds and its default. */
export interface EnvVar {
  /** 'string', 'integer', 'number' or 'boolean' (declarations elsewhere are plain object literals, hence `string`) */
  type: string;
  default?: string | number | boolean;
  /** integers and numbers: the smallest and largest value allowed */
  minimum?: number;
  maximum?: number;
  /** strings: the allowed values */
  enum?: readonly string[];
  /** strings: the length allowed, and a regular expression the whole value must match */
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** A duration in ms: an integer from `min` to one hour, with a default. */
export const ms = (def: number, min = 0): EnvVar => ({ type: 'integer', minimum: min, maximum: 3_600_000, default: def });

export interface ReadEnvOptions {
  /** the variables: `properties` declares each one, `required` lists those without a default */
  schema: { type?: string; required?: readonly string[]; properties: Record<string, EnvVar> };
  env: Record<string, string | undefined>;
  /** variables whose value must never appear in an error message */
  secrets?: readonly string[];
}

/**
 * Reads every declared variable of `env`: integers are parsed, defaults fill what is unset. A
 * blank value (`PORT=`) is an error, not "use the default": it is almost always a broken deploy.
 * Throws ConfigError with one line naming every bad variable; undeclared variables are ignored.
 */
export function readEnv<T>({ schema, env, secrets = [] }: ReadEnvOptions): T {
  const values: Record<string, string | number | boolean> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema.properties)) {
    const raw = env[name];
    if (raw === undefined) {
      if (spec.default !== undefined) values[name] = spec.default;
      else if (schema.required?.includes(name)) problems.push(`${name} is required`);
      continue;
    }
    const problem = check(spec, raw);
    if (problem === undefined) {
      values[name] = parse(spec, raw);
    } else {
      const got = secrets.includes(name) ? 'the value is not shown' : `got ${JSON.stringify(raw)}`;
      problems.push(`${name} ${problem}, ${got}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return values as T;
}

/** The value of a valid `raw`: booleans as the OpenTelemetry specification reads them (`true`, any case). */
function parse(spec: EnvVar, raw: string): string | number | boolean {
  if (spec.type === 'integer' || spec.type === 'number') return Number(raw);
  if (spec.type === 'boolean') return raw.toLowerCase() === 'true';
  return raw;
}

/** What is wrong with `raw` for `spec`, or undefined when it is valid. */
function check(spec: EnvVar, raw: string): string | undefined {
  if (spec.type === 'boolean') return /^(true|false)$/i.test(raw) ? undefined : 'must be true or false';
  if (spec.type === 'integer' || spec.type === 'number') {
    if (spec.type === 'integer' ? !/^-?\d{1,15}$/.test(raw) : !/^-?\d{1,15}(\.\d{1,15})?$/.test(raw)) return `must be ${spec.type === 'integer' ? 'an integer' : 'a number'}`;
    const value = Number(raw);
    if (spec.minimum !== undefined && value < spec.minimum) return `must be >= ${spec.minimum}`;
    if (spec.maximum !== undefined && value > spec.maximum) return `must be <= ${spec.maximum}`;
    return undefined;
  }
  if (spec.type !== 'string') throw new TypeError(`unknown variable type ${JSON.stringify(spec.type)} (string, integer, number or boolean)`);
  if (spec.enum && !spec.enum.includes(raw)) return `must be one of (${spec.enum.join(', ')})`;
  if (spec.minLength !== undefined && raw.length < spec.minLength) return raw === '' ? 'must not be empty' : `must have at least ${spec.minLength} characters`;
  if (spec.maxLength !== undefined && raw.length > spec.maxLength) return `must have at most ${spec.maxLength} characters`;
  if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(raw)) return 'has the wrong format';
  return undefined;
}

/** An http(s) origin such as http://host:8080 (no path, no query), or a ConfigError naming `name`. */
export function httpOrigin(name: string, raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search !== '') {
    throw new ConfigError(`invalid configuration: ${name} must be an http(s) origin like http://host:8080, got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}

/**
 * HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (Node applies the smaller limit anyway,
 * so a larger headers timeout is a setting that does not do what it says): a ConfigError otherwise.
 */
export function requestTimeouts(requestTimeoutMs: number, headersTimeoutMs: number): { requestTimeoutMs: number; headersTimeoutMs: number } {
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `invalid configuration: HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return { requestTimeoutMs, headersTimeoutMs };
}
