import { terminalText } from './shared/errors.js';
import { exitCodeFor, main } from './main.js';

// Every line reaches the terminal through here, escaped: a name or path from user input cannot
// move the cursor, clear the screen or reorder the text around it.
const out = (line: string): void => void process.stdout.write(`${terminalText(line)}\n`);
const err = (line: string): void => void process.stderr.write(`${terminalText(line)}\n`);

// A reader that goes away (`create-loopsvc --dry-run | head -1`) must not turn into a crash in the
// middle of a run: the work goes on and its exit code still tells the outcome.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

main({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, interactive: process.stdin.isTTY === true, out, err })
  .catch((error: unknown) => exitCodeFor(error, err))
  .then((code) => {
    process.exitCode = code;
  });
