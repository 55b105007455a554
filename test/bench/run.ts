import { benchCampaign } from './campaign-bench';
import { benchCore } from './core-bench';
import { benchDashboard } from './dashboard-bench';
import { startBenchDatabase } from './bench-database';
import { benchCrashRun, benchFlood } from './flood-bench';
import { benchClassification } from './nlp-bench';
import { benchOutbox } from './outbox-bench';

/** `npm run bench`: prints every figure the issues set targets for. Never part of `npm test`. */
async function main(): Promise<void> {
  await benchClassification();
  const databases = await startBenchDatabase();
  try {
    await benchCore(databases);
    await benchOutbox(databases);
    await benchCampaign(databases);
    await benchDashboard(databases);
    await benchFlood(databases);
    await benchCrashRun(databases);
  } finally {
    await databases.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
