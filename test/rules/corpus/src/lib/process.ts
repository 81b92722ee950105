// R1.2/R4.1/R4.7: only src/main.ts owns signals, process-level handlers and the exit code.
import proc, { exit } from 'node:process'; // expect: R1.2

export function installHandlers(onStop: () => void): void {
  process.on('SIGTERM', onStop); // expect: R4.1
  process.once('SIGINT', () => { onStop(); }); // expect: R4.1
  process.on('unhandledRejection', (reason) => { console.error(reason); }); // expect: R4.1
  process.on('uncaughtException', (err) => { console.error(err); }); // expect: R4.1
  proc.prependListener('SIGUSR2', onStop); // expect: R4.1
  process.on('message', onStop);
}

export function fail(code: number): never {
  if (code > 1) process['exit'](code); // expect: R1.2
  if (code > 2) proc.exit(code); // expect: R1.2
  const { exit: quit } = process; // expect: R1.2
  if (code > 3) quit(code);
  if (code > 4) exit(code);
  process.exit(code); // expect: R1.2
}
