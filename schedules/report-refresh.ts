import cron from 'node-cron';
import type { Logger } from '../services/logging/logger';
import type { ReportService } from '../services/reports/report-service';

/**
 * Keeps the dashboard's report snapshots current: every five minutes, and once shortly
 * after start so a restarted instance shows fresh figures. Every instance may run it; a
 * refresh rewrites the same small documents with the same figures (last write wins).
 */
export function startReportRefreshSchedule(deps: {
  reports: ReportService;
  logger: Logger;
  timezone: string;
  /** Default every five minutes: the dashboard says "as of HH:MM". */
  cronExpression?: string;
  /** Delay before the start-up run, default 5 s (lets the app finish starting first). */
  firstRunAfterMs?: number;
}) {
  const log = deps.logger.child({ schedule: 'report-refresh' });
  const run = async () => {
    try {
      await deps.reports.refresh();
    } catch (error) {
      log.error({ err: error }, 'Report refresh failed; the next run tries again');
    }
  };
  const task = cron.schedule(deps.cronExpression ?? '*/5 * * * *', run, {
    timezone: deps.timezone,
    noOverlap: true,
    name: 'report-refresh',
  });
  const first = setTimeout(() => void run(), deps.firstRunAfterMs ?? 5_000);
  first.unref();

  return {
    async stop(): Promise<void> {
      clearTimeout(first);
      await task.stop();
      await task.destroy();
      // A refresh in flight may finish before the database closes, within the shutdown budget.
      if (deps.reports.refreshing) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          deps.reports.refresh().catch(() => undefined),
          new Promise((resolve) => (timer = setTimeout(resolve, 3_000))),
        ]);
        clearTimeout(timer);
      }
    },
  };
}
