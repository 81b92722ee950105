import { exitCodeFor, main } from './main.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

main({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, interactive: process.stdin.isTTY === true, out, err })
  .catch((error: unknown) => exitCodeFor(error, err))
  .then((code) => {
    process.exitCode = code;
  });
