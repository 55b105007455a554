import type { ChannelAdapter, ChannelName } from '../../services/channels/types';
import { staffTexts } from '../../services/i18n/staff';
import { localize } from '../../services/i18n/text';
import { createDispatcher, type DeadLetterEvent, type SentEvent } from '../../services/outbox/dispatcher';
import type { CoreContext } from './core-context';
import type { CoreServices } from './core-services';

/**
 * The outbox dispatcher, sending through whichever adapters are in `adapters` when an
 * entry is due. Every outcome is recorded for outreach reach; staff learn of replies that
 * did not reach the owner, and an escalation's message becomes its case's staff thread.
 */
export function buildDispatcher(
  ctx: CoreContext,
  services: CoreServices,
  adapters: ReadonlyMap<ChannelName, ChannelAdapter>,
) {
  return createDispatcher({
    connection: ctx.connection,
    adapters,
    clock: ctx.clock,
    logger: ctx.logger,
    outbox: services.outbox,
    metrics: services.outboxMetrics,
    // Replies should feel live; one indexed query four times a second is cheap.
    pollIntervalMs: 250,
    leaseMs: ctx.config.handlingLeaseMs,
    onDeadLetter: async (event) => {
      await services.reach.recordDead(event.entry, event.reason);
      await tellStaffUndelivered(ctx, services, event);
    },
    onSent: async (event) => {
      await services.reach.recordSent(event.entry, event.platformMessageId);
      await adoptStaffThread(services, event);
    },
  });
}

/** A staff reply that could not reach the owner is said in the case's staff thread. */
async function tellStaffUndelivered(
  ctx: CoreContext,
  services: Pick<CoreServices, 'tickets' | 'outbox'>,
  { entry, reason, outcomeUnknown }: DeadLetterEvent,
): Promise<void> {
  const { staffAddress } = ctx;
  if (!staffAddress || !entry.caseId || !entry.key.startsWith('staff-reply:')) return;
  const ticket = await services.tickets.get(entry.caseId);
  const text = localize(
    outcomeUnknown ? staffTexts.outcomeUnknown : staffTexts.undelivered,
    ctx.config.staffLanguage,
    { reference: ticket.reference, reason },
  );
  await services.outbox.enqueue({
    key: `undelivered:${entry.key}`,
    address: {
      ...staffAddress,
      ...(ticket.staffThread ? { threadId: ticket.staffThread.threadId } : {}),
    },
    purpose: 'escalation',
    caseId: entry.caseId,
    message: { text },
  });
}

/** The escalation message in the staff channel becomes the case's thread (the first one sent wins). */
async function adoptStaffThread(
  services: Pick<CoreServices, 'tickets'>,
  { entry, platformMessageId }: SentEvent,
): Promise<void> {
  if (entry.purpose !== 'escalation' || !entry.caseId || !platformMessageId) return;
  if (entry.address.threadId || !entry.key.startsWith('escalation:')) return;
  const ticket = await services.tickets.get(entry.caseId);
  if (!ticket.staffThread) {
    await services.tickets.setStaffThread(entry.caseId, {
      channel: entry.address.conversationId,
      threadId: platformMessageId,
    });
  }
}
