import { allJobs } from '../../schedules/all-jobs';
import { announcementsJob } from '../../schedules/announcements';
import { bindingCountersJob } from '../../schedules/binding-counters';
import { startJobs } from '../../schedules/jobs';
import { retentionPurgeJob } from '../../schedules/retention-purge';
import { openSlaBreaches } from '../../services/metrics/instrument';
import type { Metrics } from '../../services/metrics/metrics';
import { createRetentionPurge } from '../../services/privacy/retention';
import type { TicketService } from '../../services/tickets/ticket-service';
import type { CoreContext } from './core-context';
import type { CoreServices } from './core-services';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The core's scheduled jobs (SLA watch, outreach, digest, announcements, binding counters,
 * and the retention purge when MESSAGE_RETENTION_DAYS is set), started with the runs missed
 * while the service was down catching up in the background. SLA steps and open breaches
 * are counted for /metrics, and every job for /healthz.
 */
export function startCoreSchedules(ctx: CoreContext, services: CoreServices) {
  const { config, connection, logger, metrics } = ctx;
  const retention = config.messageRetentionDays
    ? createRetentionPurge({
        connection,
        clock: ctx.clock,
        retentionDays: config.messageRetentionDays,
        audit: services.audit,
      })
    : undefined;
  if (retention) metrics.health.jobScheduled('retention-purge', DAY_MS);
  // Open breaches are read at scrape time.
  metrics.trackSlaBreaches(openSlaBreaches(connection));
  metrics.health.jobScheduled('sla', 60_000);
  const jobs = startJobs({
    jobs: allJobs({
      config,
      tickets: countingSlaSteps(services.tickets, metrics),
      outbox: services.outbox,
      surveys: services.surveys,
      returnVisits: services.returnVisits,
      digest: services.digest,
      logger,
      ...(ctx.staffAddress ? { staffAddress: ctx.staffAddress } : {}),
      extra: [
        announcementsJob(services.announcements, config.outreach.upkeepCron),
        bindingCountersJob(services.owners),
        ...(retention ? [retentionPurgeJob(retention, logger)] : []),
      ],
    }),
    connection,
    // A slot another instance ran still shows the scheduler alive in /healthz, but is not counted here.
    onRun: (job, outcome) =>
      outcome === 'elsewhere' ? metrics.health.jobRan(job, 'ok') : metrics.jobFinished(job, outcome),
    clock: ctx.clock,
    logger,
    timezone: config.timezone,
  });
  // Catch-up (a survey or digest missed while the service was down) runs in the background.
  void jobs.catchUp();
  return { jobs, retention };
}

/** The ticket service as the SLA watch sees it: every warning and escalation it applies is counted. */
function countingSlaSteps(tickets: TicketService, metrics: Metrics): TicketService {
  return {
    ...tickets,
    applyDueEscalations: async (at: Date) => {
      const events = await tickets.applyDueEscalations(at);
      for (const event of events) {
        if (event.step)
          metrics.slaSteps.inc({
            type: event.step.type,
            deadline: event.step.deadline,
            target: event.step.target,
          });
      }
      return events;
    },
  };
}
