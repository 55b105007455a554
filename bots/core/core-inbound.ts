import { Counter } from 'prom-client';
import type { OutreachAnswerer } from '../../services/surveys/outreach-answer';
import { outboxStaffPort, ticketCases } from './cases';
import type { CoreContext } from './core-context';
import type { CoreServices } from './core-services';
import { createFloodGuard } from './flood-guard';
import { createInboundPipeline } from './inbound';
import { createMessagePath } from './message-path/message-path';

/**
 * The inbound side of the core: adapters' messages are stored once (platform retries are
 * counted as duplicates), then handled by the message path under a lease. `outreach`
 * answerers of channels' own are asked before surveys and return visits.
 */
export function buildInbound(ctx: CoreContext, services: CoreServices, outreach: OutreachAnswerer[] = []) {
  const duplicates = new Counter({
    name: 'ownerbot_inbound_duplicates_total',
    help: 'Inbound deliveries that were already stored (platform retries), by channel',
    labelNames: ['channel'] as const,
    registers: [ctx.metrics.registry],
  });
  const messagePath = buildMessagePath(ctx, services, outreach);
  return createInboundPipeline({
    connection: ctx.connection,
    clock: ctx.clock,
    logger: ctx.logger,
    handle: (message) => messagePath.handle(message),
    onDuplicate: (channel) => duplicates.inc({ channel }),
    leaseMs: ctx.config.handlingLeaseMs,
  });
}

/** The dialog: understanding, the FAQ, cases and staff, behind the flood guard. */
function buildMessagePath(ctx: CoreContext, services: CoreServices, outreach: OutreachAnswerer[]) {
  const { config, clock, logger, metrics, staffAddress } = ctx;
  const { owners, tickets, outbox, understanding } = services;
  return createMessagePath({
    outreach: [...outreach, services.returnVisits.answerer, services.surveys.answerer],
    owners,
    understand: (text) => {
      const stop = metrics.classification.startTimer();
      try {
        return understanding.understand(text);
      } finally {
        stop();
      }
    },
    faq: services.faq,
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
    outbox: services.caseOutbox,
    states: services.states,
    flood: buildFloodGuard(ctx, services),
    clock,
    logger,
    settings: {
      ...(ctx.propertyName ? { propertyName: ctx.propertyName } : {}),
      dutyPhone: config.conversation.dutyPhone,
      followUpWindowMs: config.conversation.followUpWindowMs,
    },
  });
}

/** A sender over the limit gets one slow-down reply, not one reply per message. */
function buildFloodGuard(ctx: CoreContext, services: CoreServices) {
  return createFloodGuard({
    outbox: services.outbox,
    clock: ctx.clock,
    logger: ctx.logger,
    languageOf: async (key) => (await services.owners.identityByKey(key))?.language,
    settings: {
      perSenderPerMinute: ctx.config.floodMessagesPerMinute,
      perChannelPerMinute: ctx.config.floodChannelMessagesPerMinute,
    },
    onHeld: (channel, scope) => ctx.metrics.floodHeld.inc({ channel, scope }),
  });
}
