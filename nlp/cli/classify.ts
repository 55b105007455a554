import { once } from 'node:events';
import readline from 'node:readline';
import { createUnderstanding } from '../understand';
import { classifyLine } from './classify-line';
import { loadModel } from '../model-cache';

/*
 * `npm run -s classify`: JSON lines in, JSON lines out. One output line per input line, in
 * order, whatever the input (see classify-line.ts); stdout carries nothing else, so notes go
 * to stderr. stdin is read as a stream and output waits for 'drain', so any input size works
 * in bounded memory.
 */
async function main(): Promise<number> {
  const { model, source, milliseconds } = loadModel();
  process.stderr.write(`classify: model ${source} in ${Math.round(milliseconds)} ms\n`);
  const understander = createUnderstanding({ model });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!process.stdout.write(`${classifyLine(line, understander)}\n`)) await once(process.stdout, 'drain');
  }
  return 0;
}

// A reader that goes away (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
