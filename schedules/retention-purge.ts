import cron from 'node-cron';
import type { Logger } from '../services/logging/logger';
import type { RetentionPurge } from '../services/privacy/retention';

/**
 * Runs the retention purge (MESSAGE_RETENTION_DAYS) daily at 03:17 (it scans settled cases),
 * repeating at once while a run reports more to do (bounded batches keep each run short). Every instance
 * may run it: erasing a text twice changes nothing (DESIGN decision 4).
 */
export function startRetentionSchedule(deps: {
  purge: RetentionPurge;
  logger: Logger;
  timezone: string;
  onRun?: (outcome: 'ok' | 'failed') => void;
}) {
  const log = deps.logger.child({ schedule: 'retention' });

  /** One run to completion (at most 20 batches); exposed for tests and operations. */
  async function runOnce(): Promise<number> {
    let erased = 0;
    for (let round = 0; round < 20; round++) {
      const report = await deps.purge.purge();
      erased += report.messagesErased + report.caseMessagesErased + report.webTranscriptsDeleted;
      if (!report.more) break;
    }
    if (erased > 0)
      log.info({ erased, retentionDays: deps.purge.retentionDays }, 'Message texts past retention erased');
    return erased;
  }

  const task = cron.schedule(
    '17 3 * * *',
    async () => {
      try {
        await runOnce();
        deps.onRun?.('ok');
      } catch (error) {
        deps.onRun?.('failed');
        log.error({ err: error }, 'Retention purge failed; the next run tries again');
      }
    },
    { timezone: deps.timezone, noOverlap: true, name: 'retention-purge' },
  );

  return {
    runOnce,
    async stop(): Promise<void> {
      await task.stop();
      await task.destroy();
    },
  };
}
