import { benchCore } from './core-bench';
import { startBenchDatabase } from './bench-database';
import { benchClassification } from './nlp-bench';
import { benchOutbox } from './outbox-bench';

/**
 * `npm run bench`: prints every figure the issues set targets for. Never part of `npm test`.
 * `npm run bench -- outbox` (or nlp, core) prints one section only.
 */
async function main(): Promise<void> {
  const only = process.argv[2];
  const wanted = (section: string) => only === undefined || only === section;
  if (wanted('nlp')) await benchClassification();
  if (!wanted('core') && !wanted('outbox')) return;
  const databases = await startBenchDatabase();
  try {
    if (wanted('core')) await benchCore(databases);
    if (wanted('outbox')) await benchOutbox(databases);
  } finally {
    await databases.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
