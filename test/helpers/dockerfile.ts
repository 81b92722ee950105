import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import picomatch from 'picomatch';

/**
 * Runs a Dockerfile's stages without a Docker engine (none runs on these machines): each stage
 * gets a scratch folder standing for its filesystem root, COPY copies from the build context
 * (filtered by its .dockerignore, as Docker does) or from an earlier stage, and RUN runs its
 * command in the stage's WORKDIR with the stage's ENV. What cannot run here is skipped and
 * reported: `apt-get` (the base image's system packages, e.g. tini). The caller then starts the
 * final stage's CMD, and may run its HEALTHCHECK.
 */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface EmulatedImage {
  /** the final stage's WORKDIR, mapped into the scratch folder */
  workdir: string;
  cmd: string[];
  healthcheck?: string[];
  env: Record<string, string>;
  /** RUN commands that were not run here, and why */
  skipped: string[];
}

export function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

export async function emulateDockerBuild(options: {
  dockerfile: string;
  context: string;
  scratch: string;
  env?: Record<string, string>;
}): Promise<EmulatedImage> {
  const instructions = parseDockerfile(await readFile(options.dockerfile, 'utf8'));
  const ignore = await dockerIgnore(options.dockerfile, options.context);
  const stages = new Map<string, string>();
  let root = '';
  let workdir = '/';
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  const skipped: string[] = [];
  const inStage = (p: string) => path.join(root, path.posix.isAbsolute(p) ? p : path.posix.join(workdir, p));

  for (const { keyword, args } of instructions) {
    switch (keyword) {
      case 'FROM': {
        const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
        root = path.join(options.scratch, name);
        await mkdir(root, { recursive: true });
        stages.set(name, root);
        workdir = '/';
        env = {};
        cmd = [];
        healthcheck = undefined;
        break;
      }
      case 'WORKDIR':
        workdir = path.posix.isAbsolute(args) ? args : path.posix.join(workdir, args);
        await mkdir(inStage('.'), { recursive: true });
        break;
      case 'ENV': {
        const [key, ...value] = args.split('=');
        if (key) env[key] = value.join('=');
        break;
      }
      case 'COPY': {
        const parts = args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const paths = parts.filter((p) => !p.startsWith('--'));
        const dest = paths.pop() ?? '.';
        for (const source of paths) {
          if (from !== undefined) {
            const stageRoot = stages.get(from);
            if (!stageRoot) throw new Error(`COPY --from=${from}: no such stage`);
            await copyInto(path.join(stageRoot, source), inStage(dest), dest.endsWith('/') || paths.length > 1);
          } else {
            await copyContext(options.context, source, inStage(dest), ignore, dest.endsWith('/') || paths.length > 1);
          }
        }
        break;
      }
      case 'RUN':
        if (/^apt-get\b/.test(args)) {
          skipped.push(`${args} (system packages of the base image)`);
          break;
        }
        await execa('sh', ['-c', args], { cwd: inStage('.'), env: { ...options.env, ...env }, all: true }).catch((error: { all?: string; message: string }) => {
          throw new Error(`RUN ${args} failed:\n${error.all ?? error.message}`);
        });
        break;
      case 'CMD':
        cmd = JSON.parse(args) as string[];
        break;
      case 'HEALTHCHECK': {
        const at = args.indexOf('CMD ');
        healthcheck = at === -1 ? undefined : (JSON.parse(args.slice(at + 4)) as string[]);
        break;
      }
      default:
        break; // ARG, USER, EXPOSE, ENTRYPOINT, STOPSIGNAL: nothing to emulate
    }
  }
  return { workdir: inStage('.'), cmd, healthcheck, env, skipped };
}

/** `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore` (BuildKit). */
async function dockerIgnore(dockerfile: string, context: string): Promise<(file: string) => boolean> {
  const text = (await readFile(`${dockerfile}.dockerignore`, 'utf8').catch(() => undefined)) ?? (await readFile(path.join(context, '.dockerignore'), 'utf8').catch(() => ''));
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ negate: l.startsWith('!'), match: picomatch(l.replace(/^!/, '').replace(/^\/+|\/+$/g, ''), { dot: true }) }));
  return (file) => {
    let ignored = false;
    const segments = file.split('/');
    for (const rule of rules) {
      // a pattern matches the path or any of its parent folders
      const hit = segments.some((_, i) => rule.match(segments.slice(0, i + 1).join('/')));
      if (hit) ignored = !rule.negate;
    }
    return ignored;
  };
}

async function copyContext(context: string, source: string, dest: string, ignored: (file: string) => boolean, intoDir: boolean): Promise<void> {
  const from = path.join(context, source);
  const info = await stat(from);
  if (!info.isDirectory()) {
    if (ignored(path.relative(context, from).split(path.sep).join('/'))) throw new Error(`COPY ${source}: excluded by .dockerignore`);
    await copyInto(from, dest, intoDir);
    return;
  }
  for (const file of await walk(from)) {
    const relative = path.relative(context, path.join(from, file)).split(path.sep).join('/');
    if (ignored(relative)) continue;
    await copyInto(path.join(from, file), path.join(dest, file), false);
  }
}

async function copyInto(from: string, dest: string, intoDir: boolean): Promise<void> {
  const target = intoDir ? path.join(dest, path.basename(from)) : dest;
  await mkdir(path.dirname(target), { recursive: true });
  await cp(from, target, { recursive: true, verbatimSymlinks: true });
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (e) => {
      const file = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'node_modules') return walk(dir, file);
      return e.isDirectory() ? [] : [file];
    }),
  );
  return files.flat();
}
