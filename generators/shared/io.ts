/**
 * The one view a command has of its process: where it runs, its environment, whether a person can
 * answer questions, and where its lines go (escaped for the terminal by generators/index.ts).
 * Commands that ask nothing and read no environment (add, rules) take `Pick<Io, 'cwd' | 'out' | 'err'>`.
 */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  out(line: string): void;
  err(line: string): void;
}

/** What `add`, `rules` and `update` need of it. */
export type CommandIo = Pick<Io, 'cwd' | 'out' | 'err'>;
