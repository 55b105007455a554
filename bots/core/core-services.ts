import { createAnnouncementService } from '../../services/announcements/announcement-service';
import { createConversationStates } from '../../services/conversations/conversation-state';
import { createDigestService } from '../../services/digest/digest-service';
import { createFaqStore } from '../../services/knowledge/faq-store';
import { createOutbox } from '../../services/outbox/outbox';
import { createOutboxMetrics } from '../../services/outbox/outbox-metrics';
import { createOutreachReach } from '../../services/outreach/outreach-reach';
import { createOwnerService, type OwnerService } from '../../services/owners/owner-service';
import { createAuditLog } from '../../services/privacy/audit-log';
import { createReturnVisitService } from '../../services/return-visits/return-visit-service';
import { createSurveyService } from '../../services/surveys/survey-service';
import { createTicketService, type TicketService } from '../../services/tickets/ticket-service';
import { createUnderstandingService } from '../../services/understanding/understanding-service';
import type { Outbox } from '../../services/outbox/outbox';
import { recordingOutbox } from './cases';
import type { CoreContext } from './core-context';
import { DEFAULT_MESSAGE_PATH_SETTINGS } from './message-path/message-path';

/**
 * The core's domain services over one database: understanding (started, so it answers at
 * once), owners, cases, the outbox, conversation state, the FAQ, outreach and the audit trail.
 */
export async function buildCoreServices(ctx: CoreContext) {
  const { config, connection, clock, logger } = ctx;
  const understanding = createUnderstandingService({ connection, clock, logger });
  await understanding.start();

  const outboxMetrics = createOutboxMetrics(ctx.metrics.registry);
  const outbox = createOutbox({ connection, clock, metrics: outboxMetrics });
  // A new chat linked to a home is told to the household's other chats.
  const bindNotice = {
    outbox,
    timeZone: config.timezone,
    help: {
      office: ctx.propertyName ?? DEFAULT_MESSAGE_PATH_SETTINGS.propertyName,
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
  const states = createConversationStates({ connection, clock });
  const faq = createFaqStore({ connection, clock, logger });
  // Read at start-up, so a deployment still on the sample knowledge base is warned at once.
  await faq.active();
  return {
    understanding,
    outboxMetrics,
    outbox,
    // What the owner is told about a case is also kept on the case, for the desks' threads.
    caseOutbox: recordingOutbox(outbox, tickets, logger),
    owners,
    tickets,
    states,
    faq,
    // Whether outreach reached each owner, for `survey status` and the desk.
    reach: createOutreachReach({ connection, clock }),
    audit: createAuditLog({ connection, clock }),
    ...buildOutreach(ctx, { owners, tickets, outbox }),
  };
}

/** The services behind the core: what `buildCoreServices` returns. */
export type CoreServices = Awaited<ReturnType<typeof buildCoreServices>>;

/**
 * Scheduled outreach (docs/outreach.md): surveys, return visits, the staff digest and
 * announcements. Their questions are pending questions of the message path.
 */
function buildOutreach(
  ctx: CoreContext,
  deps: { owners: OwnerService; tickets: TicketService; outbox: Outbox },
) {
  const { config, connection, clock, logger, staffAddress } = ctx;
  const { owners, tickets, outbox } = deps;
  const quiet = { quietHours: config.outreach.quietHours, timeZone: config.timezone };
  const staff = staffAddress ? { staffAddress } : {};
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
    ...staff,
  });
  const digest = createDigestService({
    connection,
    returnVisits,
    outbox,
    logger,
    language: config.staffLanguage,
    timeZone: config.timezone,
    ...staff,
  });
  const announcements = createAnnouncementService({ connection, owners, outbox, clock, logger });
  return { surveys, returnVisits, digest, announcements };
}
