import type { Logger } from '../services/logging/logger';
import type { RetentionPurge } from '../services/privacy/retention';
import type { Job } from './jobs';

/**
 * The retention purge (MESSAGE_RETENTION_DAYS), daily at 03:17: it scans settled cases, and
 * repeats at once while a run reports more to do (bounded batches keep each step short).
 * Erasing a text twice changes nothing, so a slot run twice after a crash is harmless.
 */
export function retentionPurgeJob(purge: RetentionPurge, logger: Logger, cron = '17 3 * * *'): Job {
  const log = logger.child({ schedule: 'retention' });
  return {
    name: 'retention-purge',
    cron,
    async run() {
      let erased = 0;
      let rounds = 0;
      for (; rounds < 20; rounds++) {
        const report = await purge.purge();
        erased +=
          report.messagesErased +
          report.caseMessagesErased +
          report.webTranscriptsDeleted +
          report.webPhotosDeleted;
        if (!report.more) break;
      }
      if (erased > 0)
        log.info({ erased, retentionDays: purge.retentionDays }, 'Message texts past retention erased');
      return { erased, rounds: rounds + 1 };
    },
  };
}
