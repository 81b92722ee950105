import { terminalText } from './shared/errors.js';
import { fdOutput } from './shared/output.js';
import { exitCodeFor, main } from './main.js';

// Whether a person can answer questions: standard input is a terminal, as process.stdin.isTTY
// says. Asked only when a question might come (never for --help, --version or a run given every
// answer), as node:tty loads Node's socket and stream modules, and process.stdin builds a stream.
let interactive: boolean | undefined;
const isInteractive = (): boolean => (interactive ??= process.getBuiltinModule('node:tty').isatty(0));

// Every line reaches the terminal through here, escaped: a name or path from user input cannot
// move the cursor, clear the screen or reorder the text around it. Once questions are asked, the
// lines go through the streams the prompts use; on Windows always, as a console shown raw UTF-8
// bytes (the ← of --dry-run, a name with an accent) prints them in its own code page.
const viaStream = (): boolean => process.platform === 'win32' || interactive === true;
const stdout = fdOutput(1, () => process.stdout, viaStream);
const stderr = fdOutput(2, () => process.stderr, viaStream);
const out = (line: string): void => stdout.write(`${terminalText(line)}\n`);
const err = (line: string): void => stderr.write(`${terminalText(line)}\n`);

const io = {
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  get interactive() {
    return isInteractive();
  },
  out,
  err,
};
main(io)
  .catch((error: unknown) => exitCodeFor(error, err))
  .then((code) => {
    // Every line written with writeSync and no question asked: nothing is left to finish, so the
    // process ends here, without the teardown of an exit by an empty event loop (about 1.5 ms of
    // a run, bench/generation.mjs). Node still saves its compile cache on this path.
    if (interactive !== true && !stdout.streamed && !stderr.streamed) process.exit(code);
    process.exitCode = code;
  });
