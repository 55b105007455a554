import { benchCampaign } from './campaign-bench';
import { benchCore } from './core-bench';
import { benchDashboard } from './dashboard-bench';
import { startBenchDatabase } from './bench-database';
import { benchCrashRun, benchFlood } from './flood-bench';
import { benchClassification } from './nlp-bench';
import { benchOutbox } from './outbox-bench';
import { benchWebChat } from './web-chat-bench';

/**
 * `npm run bench`: prints every figure the issues set targets for. Never part of `npm test`.
 * `npm run bench -- outbox` (or nlp, web, core, campaign, dashboard, flood, crash) prints one section only.
 */
async function main(): Promise<void> {
  const only = process.argv[2];
  const wanted = (section: string) => only === undefined || only === section;
  if (wanted('nlp')) await benchClassification();
  if (wanted('web')) await benchWebChat();
  if (only === 'nlp' || only === 'web') return;
  const databases = await startBenchDatabase();
  try {
    if (wanted('core')) await benchCore(databases);
    if (wanted('outbox')) await benchOutbox(databases);
    if (wanted('campaign')) await benchCampaign(databases);
    if (wanted('dashboard')) await benchDashboard(databases);
    if (wanted('flood')) await benchFlood(databases);
    if (wanted('crash')) await benchCrashRun(databases);
  } finally {
    await databases.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
