import pino from 'pino';
import { connectDatabase } from '../../services/database/connect';
import { createDispatcher } from '../../services/outbox/dispatcher';
import { telegramCampaignServices } from '../support/telegram-owners';

/**
 * One "app instance" of the campaign bench, as its own process so the bench can SIGKILL
 * it: the survey campaign runner (like the upkeep job) and an outbox
 * dispatcher sending through the real Telegram adapter to the fake Bot API.
 * argv: uri dbName apiRoot token perSecond instanceId quarter
 */
async function main(): Promise<void> {
  const [uri, dbName, apiRoot, token, perSecond, instanceId, quarter] = process.argv.slice(2) as string[];
  const logger = pino({ level: 'silent' });
  const database = await connectDatabase({
    uri: uri as string,
    dbName,
    engine: 'ferretdb-postgresql',
    logger,
  });
  const connection = database.connection;
  const { clock, surveys, adapters } = telegramCampaignServices(connection, {
    apiRoot: apiRoot as string,
    token: token as string,
    logger,
  });
  const dispatcher = createDispatcher({
    connection,
    adapters,
    clock,
    logger,
    instanceId,
    limits: { telegram: { perSecond: Number(perSecond), perConversationPerSecond: 1 } },
    leaseMs: 10_000,
    pollIntervalMs: 50,
  });
  dispatcher.start();
  // Dies with the bench: its stdin is a pipe from the bench process.
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  for (;;) {
    const { campaign } = await surveys.startCampaign(quarter as string);
    const report = await surveys.sendCampaign(campaign._id);
    process.stdout.write(
      `${JSON.stringify({ instanceId, queued: report.queued, alreadyAsked: report.alreadyAsked })}\n`,
    );
    // Like the upkeep job (OUTREACH_CRON, every 5 minutes by default, on one instance at a
    // time), but on every instance and sooner while owners are left to ask (every 2 s: a
    // rival may have died mid-queue). Each pass reads every owner, identity and response.
    const everyoneAsked = report.queued === 0 && report.alreadyAsked >= report.recipients;
    await new Promise((resolve) => setTimeout(resolve, everyoneAsked ? 300_000 : 2000));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`campaign worker: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
