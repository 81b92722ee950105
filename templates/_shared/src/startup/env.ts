import envSchema from 'env-schema';

// Reading the configuration from the environment, once, at startup (R2.3: synchronous work is
// fine only before the service serves anything). src/config.ts builds on this: it declares the
// variables; this turns every bad one into one line that names it, never showing a secret.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A bad or missing setting: src/main.ts prints the message (one line) and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The JSON schema of a duration in ms: an integer from `min` to one hour, with a default. */
export const ms = (def: number, min = 0) => ({ type: 'integer', minimum: min, maximum: 3_600_000, default: def });

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface ReadEnvOptions {
  /** a JSON schema of the variables (env-schema coerces strings to its types) */
  schema: object;
  env: Record<string, string | undefined>;
  /** variables whose value must never appear in an error message */
  secrets?: readonly string[];
}

/**
 * Validates and coerces the environment against `schema`. A blank value (`PORT=`) is an error,
 * not "use the default": it is almost always a broken deploy. Throws ConfigError with one line
 * naming every bad variable.
 */
export function readEnv<T>({ schema, env, secrets = [] }: ReadEnvOptions): T {
  try {
    return envSchema<T>({ schema, data: { ...env }, env: false });
  } catch (err) {
    const issues = (err as { errors?: AjvIssue[] }).errors;
    if (!issues) throw err;
    throw new ConfigError(`invalid configuration: ${describe(issues, env, secrets)}`);
  }
}

function describe(issues: AjvIssue[], env: Record<string, string | undefined>, secrets: readonly string[]): string {
  return issues
    .map((issue) => {
      if (issue.keyword === 'required') return `${String(issue.params.missingProperty)} is required`;
      const name = issue.instancePath.replace(/^\//, '');
      const allowed = Array.isArray(issue.params.allowedValues) ? ` (${issue.params.allowedValues.join(', ')})` : '';
      const got = secrets.includes(name) ? 'the value is not shown' : `got ${JSON.stringify(env[name] ?? null)}`;
      const rule = issue.keyword === 'pattern' ? 'has the wrong format' : (issue.message ?? 'is invalid');
      return `${name} ${rule}${allowed}, ${got}`;
    })
    .join('; ');
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
