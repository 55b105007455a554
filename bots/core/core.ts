import { Counter } from 'prom-client';
import type { Connection } from 'mongoose';
import type { Address, ChannelAdapter, ChannelName } from '../../services/channels/types';
import { systemClock } from '../../services/clock';
import type { Config } from '../../services/config/load-config';
import { createConversationStates } from '../../services/conversations/conversation-state';
import { createFaqStore } from '../../services/knowledge/faq-store';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';
import { createDispatcher } from '../../services/outbox/dispatcher';
import { createOutbox } from '../../services/outbox/outbox';
import { createOutboxMetrics } from '../../services/outbox/outbox-metrics';
import { createOwnerService } from '../../services/owners/owner-service';
import { createTicketService } from '../../services/tickets/ticket-service';
import { createUnderstandingService } from '../../services/understanding/understanding-service';
import { allJobs } from '../../schedules/all-jobs';
import { announcementsJob } from '../../schedules/announcements';
import { createAnnouncementService } from '../../services/announcements/announcement-service';
import { startJobs } from '../../schedules/jobs';
import { createDigestService } from '../../services/digest/digest-service';
import { createReturnVisitService } from '../../services/return-visits/return-visit-service';
import { createSurveyService } from '../../services/surveys/survey-service';
import type { OutreachAnswerer } from '../../services/surveys/outreach-answer';
import { createOutreachReach } from '../../services/outreach/outreach-reach';
import { retentionPurgeJob } from '../../schedules/retention-purge';
import { bindingCountersJob } from '../../schedules/binding-counters';
import { createAuditLog } from '../../services/privacy/audit-log';
import { createRetentionPurge } from '../../services/privacy/retention';
import { openSlaBreaches } from '../../services/metrics/instrument';
import { createCaseDesk } from './case-desk';
import { outboxStaffPort, recordingOutbox, ticketCases } from './cases';
import { localize } from '../../services/i18n/text';
import { staffTexts } from '../../services/i18n/staff';
import { createMessagePath, DEFAULT_MESSAGE_PATH_SETTINGS } from './message-path/message-path';
import { createFloodGuard } from './flood-guard';
import { createInboundPipeline } from './inbound';

/**
 * The channel-agnostic core, built from the configuration: understanding, owners, cases,
 * the dialog behind the inbound pipeline, and the outbox dispatcher that sends through
 * whichever channel adapters are registered. Adapters call `inbound.receive`.
 */
export async function startCore(deps: {
  config: Config;
  connection: Connection;
  logger: Logger;
  metrics: Metrics;
  /** Answerers of channels' own (WeChat's template follow-up), asked before surveys and return visits. */
  outreach?: OutreachAnswerer[];
}) {
  const { config, connection, logger } = deps;
  const clock = systemClock;
  const understanding = createUnderstandingService({ connection, clock, logger });
  await understanding.start();

  const outboxMetrics = createOutboxMetrics(deps.metrics.registry);
  const outbox = createOutbox({ connection, clock, metrics: outboxMetrics });
  const propertyName = config.conversation.propertyName
    ? { zh: config.conversation.propertyName, en: config.conversation.propertyName }
    : undefined;
  // A new chat linked to a home is told to the household's other chats.
  const bindNotice = {
    outbox,
    timeZone: config.timezone,
    help: {
      office: propertyName ?? DEFAULT_MESSAGE_PATH_SETTINGS.propertyName,
      dutyPhone: config.conversation.dutyPhone,
    },
  };
  const owners = createOwnerService({ connection, clock, logger, bindNotice });
  const tickets = createTicketService({
    connection,
    clock,
    slaPolicy: config.sla,
    timeZone: config.timezone,
    logger,
  });
  // What the owner is told about a case is also kept on the case, for the desks' threads.
  const caseOutbox = recordingOutbox(outbox, tickets, logger);
  const states = createConversationStates({ connection, clock });
  const faq = createFaqStore({ connection, clock, logger });
  // Read at start-up, so a deployment still on the sample knowledge base is warned at once.
  await faq.active();
  const staffAddress: Address | undefined = config.slack?.escalationChannel
    ? { channel: 'slack', conversationId: config.slack.escalationChannel }
    : undefined;

  // Scheduled outreach (docs/outreach.md): its questions are pending questions of the message path.
  const quiet = { quietHours: config.outreach.quietHours, timeZone: config.timezone };
  const surveys = createSurveyService({
    connection,
    owners,
    outbox,
    clock,
    logger,
    settings: {
      ...quiet,
      remindAfterMs: config.outreach.surveyRemindMs,
      expireAfterMs: config.outreach.surveyExpireMs,
    },
  });
  const returnVisits = createReturnVisitService({
    connection,
    tickets,
    owners,
    outbox,
    clock,
    logger,
    settings: {
      ...quiet,
      delayMs: config.outreach.returnVisitDelayMs,
      phoneAfterMs: config.outreach.returnVisitPhoneAfterMs,
    },
    ...(staffAddress ? { staffAddress } : {}),
  });
  const digest = createDigestService({
    connection,
    returnVisits,
    outbox,
    logger,
    language: config.staffLanguage,
    timeZone: config.timezone,
    ...(staffAddress ? { staffAddress } : {}),
  });
  const announcements = createAnnouncementService({ connection, owners, outbox, clock, logger });

  const duplicates = new Counter({
    name: 'ownerbot_inbound_duplicates_total',
    help: 'Inbound deliveries that were already stored (platform retries), by channel',
    labelNames: ['channel'] as const,
    registers: [deps.metrics.registry],
  });
  // A sender over the limit gets one slow-down reply, not one reply per message.
  const flood = createFloodGuard({
    outbox,
    clock,
    logger,
    languageOf: async (key) => (await owners.identityByKey(key))?.language,
    settings: {
      perSenderPerMinute: config.floodMessagesPerMinute,
      perChannelPerMinute: config.floodChannelMessagesPerMinute,
    },
    onHeld: (channel, scope) => deps.metrics.floodHeld.inc({ channel, scope }),
  });
  const messagePath = createMessagePath({
    outreach: [...(deps.outreach ?? []), returnVisits.answerer, surveys.answerer],
    owners,
    understand: (text) => {
      const stop = deps.metrics.classification.startTimer();
      try {
        return understanding.understand(text);
      } finally {
        stop();
      }
    },
    faq,
    cases: ticketCases(tickets, owners),
    staff: outboxStaffPort({
      outbox,
      owners,
      language: config.staffLanguage,
      ...(staffAddress ? { staffAddress } : {}),
      threadOf: async (caseId) => (await tickets.get(caseId)).staffThread?.threadId,
      ...(config.slack?.onCallGroup ? { onCallMention: `<!subteam^${config.slack.onCallGroup}>` } : {}),
      timeZone: config.timezone,
      logger,
    }),
    outbox: caseOutbox,
    states,
    flood,
    clock,
    logger,
    settings: {
      ...(propertyName ? { propertyName } : {}),
      dutyPhone: config.conversation.dutyPhone,
      followUpWindowMs: config.conversation.followUpWindowMs,
    },
  });

  const inbound = createInboundPipeline({
    connection,
    clock,
    logger,
    handle: (message) => messagePath.handle(message),
    onDuplicate: (channel) => duplicates.inc({ channel }),
    leaseMs: config.handlingLeaseMs,
  });

  const adapters = new Map<ChannelName, ChannelAdapter>();
  // Whether outreach reached each owner, for `survey status` and the desk.
  const reach = createOutreachReach({ connection, clock });
  const dispatcher = createDispatcher({
    connection,
    adapters,
    clock,
    logger,
    outbox,
    metrics: outboxMetrics,
    // Replies should feel live; one indexed query four times a second is cheap.
    pollIntervalMs: 250,
    leaseMs: config.handlingLeaseMs,
    // A staff reply that could not reach the owner is said in the case's staff thread.
    onDeadLetter: async ({ entry, reason, outcomeUnknown }) => {
      await reach.recordDead(entry, reason);
      if (!staffAddress || !entry.caseId || !entry.key.startsWith('staff-reply:')) return;
      const ticket = await tickets.get(entry.caseId);
      const text = localize(
        outcomeUnknown ? staffTexts.outcomeUnknown : staffTexts.undelivered,
        config.staffLanguage,
        { reference: ticket.reference, reason },
      );
      await outbox.enqueue({
        key: `undelivered:${entry.key}`,
        address: {
          ...staffAddress,
          ...(ticket.staffThread ? { threadId: ticket.staffThread.threadId } : {}),
        },
        purpose: 'escalation',
        caseId: entry.caseId,
        message: { text },
      });
    },
    // The escalation message in the staff channel becomes the case's thread.
    onSent: async ({ entry, platformMessageId }) => {
      await reach.recordSent(entry, platformMessageId);
      if (entry.purpose !== 'escalation' || !entry.caseId || !platformMessageId) return;
      if (entry.address.threadId || !entry.key.startsWith('escalation:')) return;
      const ticket = await tickets.get(entry.caseId);
      if (!ticket.staffThread) {
        await tickets.setStaffThread(entry.caseId, {
          channel: entry.address.conversationId,
          threadId: platformMessageId,
        });
      }
    },
  });
  dispatcher.start();
  const recovered = await inbound.recover();
  if (recovered > 0) logger.info({ recovered }, 'Handling messages left unhandled by the last run');
  // Faults (issue 9): a message taken by an instance that died is only free once its lease
  // ends, often after this instance started; and a store that timed out on our side (the
  // webhook got a 5xx) may still have landed, so the platform's retry is a duplicate and nobody
  // handles it. Swept every 15 s (at most once per lease). Skipped while this instance has a
  // backlog: recover() would queue that backlog a second time.
  const recoverySweep = setInterval(
    () => {
      if (inbound.backlog > 0) return;
      inbound
        .recover()
        .then((count) => {
          if (count > 0) logger.debug({ recovered: count }, 'Recovery sweep scheduled unhandled messages');
        })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'Recovery sweep failed; the next one retries'),
        );
    },
    Math.min(config.handlingLeaseMs, 15_000),
  );
  recoverySweep.unref();

  // Privacy (issue 9): the audit trail, and the retention purge when MESSAGE_RETENTION_DAYS is set.
  const audit = createAuditLog({ connection, clock });
  const retention = config.messageRetentionDays
    ? createRetentionPurge({ connection, clock, retentionDays: config.messageRetentionDays, audit })
    : undefined;
  if (retention) deps.metrics.health.jobScheduled('retention-purge', 24 * 60 * 60_000);

  // Operations (issue 9): SLA steps counted, open breaches read at scrape time.
  deps.metrics.trackSlaBreaches(openSlaBreaches(connection));
  deps.metrics.health.jobScheduled('sla', 60_000);
  const countedTickets: typeof tickets = {
    ...tickets,
    applyDueEscalations: async (at: Date) => {
      const events = await tickets.applyDueEscalations(at);
      for (const event of events) {
        if (event.step)
          deps.metrics.slaSteps.inc({
            type: event.step.type,
            deadline: event.step.deadline,
            target: event.step.target,
          });
      }
      return events;
    },
  };
  const jobs = startJobs({
    jobs: allJobs({
      config,
      tickets: countedTickets,
      outbox,
      surveys,
      returnVisits,
      digest,
      logger,
      ...(staffAddress ? { staffAddress } : {}),
      extra: [
        announcementsJob(announcements, config.outreach.upkeepCron),
        bindingCountersJob(owners),
        ...(retention ? [retentionPurgeJob(retention, logger)] : []),
      ],
    }),
    connection,
    // A slot another instance ran still shows the scheduler alive in /healthz, but is not counted here.
    onRun: (job, outcome) =>
      outcome === 'elsewhere'
        ? deps.metrics.health.jobRan(job, 'ok')
        : deps.metrics.jobFinished(job, outcome),
    clock,
    logger,
    timezone: config.timezone,
  });
  // Catch-up (a survey or digest missed while the service was down) runs in the background.
  void jobs.catchUp();

  const caseDesk = createCaseDesk({
    tickets,
    outbox: caseOutbox,
    recordCorrection: (correction) => understanding.recordCorrection(correction),
  });

  return {
    understanding,
    owners,
    tickets,
    outbox,
    inbound,
    dispatcher,
    caseDesk,
    surveys,
    returnVisits,
    digest,
    announcements,
    reach,
    jobs,
    audit,
    retention,
    /** Channel adapters register here so the dispatcher can send through them. */
    registerAdapter(adapter: ChannelAdapter) {
      adapters.set(adapter.name, adapter);
    },
    /** Finishes handling in flight (bounded by the caller), stops sending and retraining. */
    async stop(): Promise<void> {
      clearInterval(recoverySweep);
      await jobs.stop();
      await inbound.idle();
      await dispatcher.stop();
      await understanding.stop();
    },
  };
}

export type Core = Awaited<ReturnType<typeof startCore>>;
