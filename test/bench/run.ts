import { benchClassification } from './nlp-bench';

/** `npm run bench`: every benchmark in turn (the nlp one for now). */
async function main(): Promise<void> {
  await benchClassification();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
