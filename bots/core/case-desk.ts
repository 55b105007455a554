import type { Category, Intent } from '../../nlp';
import type { Address } from '../../services/channels/types';
import { DomainError } from '../../services/errors';
import { caseNotices } from '../../services/i18n/case-notices';
import { label } from '../../services/i18n/labels';
import { refusalTexts } from '../../services/i18n/staff';
import { localize, type Language, type LocalizedText } from '../../services/i18n/text';
import type { Outbox } from '../../services/outbox/outbox';
import type { TicketRecord, TicketSummary } from '../../services/tickets/ticket-model';
import {
  MissingFieldsError,
  type ActionOptions,
  type Staff,
  type TicketEvent,
  type TicketService,
} from '../../services/tickets/ticket-service';
import { missingParts } from '../../services/tickets/transitions';

/** The events the owner hears of, and what they are told. */
const OWNER_NOTICES: Partial<Record<TicketEvent['type'], LocalizedText>> = {
  claimed: caseNotices.claimed,
  handover_accepted: caseNotices.handover_accepted,
  resolved: caseNotices.resolved,
  reopened: caseNotices.reopened,
};

/** What staff write when resolving: the result the owner reads, and a complaint's summary. */
export interface Resolution {
  result: string;
  summary?: Partial<TicketSummary>;
}

function ownerAddress(ticket: TicketRecord): Address {
  return {
    channel: ticket.address.channel as Address['channel'],
    conversationId: ticket.address.conversationId,
    ...(ticket.address.threadId ? { threadId: ticket.address.threadId } : {}),
  };
}

/**
 * A refusal from the ticket service in words staff read (STAFF_LANGUAGE or the page's
 * language), with the case's reference and owner filled in; undefined for other errors.
 */
export function explainRefusal(
  error: unknown,
  ticket: Pick<TicketRecord, 'reference' | 'assignee' | 'assigneeName' | 'status'> | undefined,
  language: Language,
): string | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const text = (refusalTexts as Record<string, LocalizedText>)[error.code] ?? refusalTexts.other;
  return localize(text, language, {
    reference: ticket?.reference ?? '',
    owner: ticket?.assigneeName || ticket?.assignee || '—',
    status: ticket ? label(ticket.status, language) : '',
    message: error.message,
  });
}

/**
 * Tells the owner about a staff action, in their language, keyed by the event (a repeated
 * action, whose event carries the first one's `seq`, is never told twice).
 */
function ownerNotices(outbox: Outbox) {
  return async (event: TicketEvent, values: Record<string, string> = {}): Promise<TicketEvent> => {
    const notice = OWNER_NOTICES[event.type];
    if (!notice) return event;
    const { ticket } = event;
    const language: Language = ticket.language;
    await outbox.enqueue({
      key: `notice:${String(ticket._id)}:${event.seq}`,
      address: ownerAddress(ticket),
      purpose: 'notification',
      caseId: String(ticket._id),
      ...(ticket.ownerId ? { ownerId: ticket.ownerId } : {}),
      message: {
        language,
        text: localize(notice, language, {
          reference: ticket.reference,
          staff: ticket.assigneeName || localize(caseNotices.ourStaff, language),
          ...values,
        }),
      },
    });
    return event;
  };
}

/** A reply kept on the case, then queued for the owner under the same key. */
async function replyToOwner(
  deps: { tickets: TicketService; outbox: Outbox },
  id: string,
  staff: Staff,
  text: string,
  replyKey: string,
): Promise<void> {
  const { tickets } = deps;
  const body = text.trim();
  if (!body) throw new DomainError('empty_reply', 'Write a reply first');
  await tickets.addStaffMessage(id, staff, body, `staff-reply:${replyKey}`);
  const ticket = await tickets.get(id);
  await deps.outbox.enqueue({
    key: `staff-reply:${replyKey}`,
    address: ownerAddress(ticket),
    purpose: 'reply',
    caseId: id,
    ...(ticket.ownerId ? { ownerId: ticket.ownerId } : {}),
    message: {
      language: ticket.language,
      text: localize(caseNotices.staffReply, ticket.language, {
        reference: ticket.reference,
        staff: staff.name,
        text: body,
      }),
    },
  });
}

/** A case nobody holds yet is claimed by whoever resolves it or hands it over (they took it on). */
async function claimIfNew(
  deps: { tickets: TicketService; tellOwner: ReturnType<typeof ownerNotices> },
  ticket: TicketRecord,
  staff: Staff,
  options: ActionOptions,
): Promise<void> {
  if (ticket.status !== 'new') return;
  const id = String(ticket._id);
  const claimId = options.actionId ? `${options.actionId}:claim` : undefined;
  await deps.tellOwner(await deps.tickets.claim(id, staff, claimId ? { actionId: claimId } : {}));
}

/**
 * What staff do with a case, from whichever desk (Slack, web): the ticket verb (which
 * enforces first-inquiry responsibility and the required fields), the owner's notice in their
 * language through the outbox, keyed by the event so a repeated action never notifies twice,
 * and corrections fed to the classifier. Every verb takes the action's one-time id.
 */
export function createCaseDesk(deps: {
  tickets: TicketService;
  /** Owner notices go here; the core's outbox keeps a copy of each on the case. */
  outbox: Outbox;
  /** Stores a correction for the classifier (the understanding service). */
  recordCorrection: (correction: {
    text: string;
    intent: Intent;
    category: Category;
    staffId: string;
    caseId: string;
  }) => Promise<void>;
}) {
  const { tickets } = deps;

  const tellOwner = ownerNotices(deps.outbox);

  const takeOnIfNew = (ticket: TicketRecord, staff: Staff, options: ActionOptions) =>
    claimIfNew({ tickets, tellOwner }, ticket, staff, options);

  return {
    /** A case by id (DomainError `ticket_not_found` when there is none). */
    get: (id: string) => tickets.get(id),
    claim: async (id: string, staff: Staff, options: ActionOptions = {}) =>
      tellOwner(await tickets.claim(id, staff, options)),
    start: (id: string, staff: Staff, options: ActionOptions = {}) => tickets.start(id, staff, options),
    /** Resolves with a result the owner reads (required), and a complaint's summary (required). */
    async resolve(id: string, staff: Staff, resolution: Resolution, options: ActionOptions = {}) {
      const result = resolution.result.trim();
      const required = {
        ...options,
        requireResult: true,
        requireSummary: true,
        ...(resolution.summary ? { summary: resolution.summary } : {}),
      };
      // The fields first: an unclaimed case is claimed only for a resolution that can land.
      const ticket = await tickets.get(id);
      const missing = missingParts(ticket, result, required);
      if (missing.length > 0) throw new MissingFieldsError(ticket.reference, missing);
      await takeOnIfNew(ticket, staff, options);
      return tellOwner(await tickets.resolve(id, staff, result, required), { result });
    },
    reopen: async (id: string, actor: string, reason: string) =>
      tellOwner(await tickets.reopen(id, actor, reason)),
    close: (id: string, actor: string, summary?: Partial<TicketSummary>) => tickets.close(id, actor, summary),
    async offerHandover(id: string, from: Staff, to: Staff, options: ActionOptions = {}) {
      await takeOnIfNew(await tickets.get(id), from, options);
      return tickets.offerHandover(id, from, to, options);
    },
    acceptHandover: async (id: string, to: Staff, options: ActionOptions = {}) =>
      tellOwner(await tickets.acceptHandover(id, to, options)),
    declineHandover: (id: string, to: Staff, options: ActionOptions = {}) =>
      tickets.declineHandover(id, to, options),

    /**
     * A staff member's reply to the owner: kept on the case (only by whoever holds it, or a
     * supervisor) and sent in the owner's conversation, both once per `replyKey`.
     */
    reply: (id: string, staff: Staff, text: string, replyKey: string) =>
      replyToOwner(deps, id, staff, text, replyKey),

    /** A note for colleagues on the case, once per `noteKey`; the owner never sees it. */
    note: (id: string, staff: Staff, text: string, noteKey: string) =>
      tickets.addNote(id, staff, text.trim(), `note:${noteKey}`),

    /** Staff say what the owner's first message really was; the classifier learns it at once. */
    async correct(
      id: string,
      staff: Staff,
      labels: { intent: Intent; category: Category },
      options: ActionOptions = {},
    ): Promise<TicketEvent> {
      const event = await tickets.correctLabels(id, staff, labels, options);
      await deps.recordCorrection({ text: event.correction.text, ...labels, staffId: staff.id, caseId: id });
      return event;
    },
  };
}

export type CaseDesk = ReturnType<typeof createCaseDesk>;
