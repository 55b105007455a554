import type { Address, Button } from '../../services/channels/types';
import { escapeMrkdwn } from '../../services/channels/mrkdwn';
import { label } from '../../services/i18n/labels';
import { staffTexts } from '../../services/i18n/staff';
import { localize, type Language, type LocalizedText } from '../../services/i18n/text';
import { localClock } from '../../services/i18n/time';
import { understandingReasons } from '../../services/i18n/understanding';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import type { Logger } from '../../services/logging/logger';
import type { Outbox } from '../../services/outbox/outbox';
import type { Identity, Owner } from '../../services/owners/owner-model';
import type { OwnerService } from '../../services/owners/owner-service';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import type { TicketService } from '../../services/tickets/ticket-service';
import type { CasePort, CaseView, StaffPort } from './message-path/ports';

const HELD_BY_STAFF = new Set(['claimed', 'in_progress']);
const SETTLED = new Set(['resolved', 'return_visit', 'closed']);

/** What staff can do with a case from a desk button. */
export type CaseActionName = 'claim' | 'resolve' | 'reclassify' | 'handover' | 'accept' | 'decline';

/** The value of a staff desk button acting on a case: `case:claim:<ticketId>`. */
export function caseAction(action: CaseActionName, caseId: string): string {
  return `case:${action}:${caseId}`;
}

/** The four buttons every escalation carries, in the staff language. */
export function escalationButtons(caseId: string, language: Language): Button[] {
  return (['claim', 'handover', 'resolve', 'reclassify'] as const).map((action) => ({
    action: caseAction(action, caseId),
    label: localize(staffTexts[action], language),
  }));
}

function toView(ticket: TicketRecord, tickets: TicketService): CaseView {
  return {
    id: String(ticket._id),
    reference: ticket.reference,
    kind: ticket.kind,
    status: ticket.status,
    heldByStaff: HELD_BY_STAFF.has(ticket.status),
    settled: SETTLED.has(ticket.status),
    createdAt: ticket.createdAt,
    resolvedAt: ticket.resolvedAt ?? null,
    lastOwnerMessageAt: ticket.lastOwnerMessageAt,
    title: ticket.title,
    acknowledgeWithinMinutes: tickets.acknowledgeMinutes(ticket.kind, ticket.intent),
    intent: ticket.intent,
    category: ticket.category,
    emergencyKind: ticket.emergencyKind,
    channel: ticket.address.channel,
    assigneeName: ticket.assigneeName ?? '',
  };
}

/** The owner record behind a verified identity, if the owner service is at hand. */
type OwnerLookup = Pick<OwnerService, 'ownerOf'>;

/** The dialog's view of the ticket service; a verified owner's building and unit go onto the case. */
export function ticketCases(tickets: TicketService, owners?: OwnerLookup): CasePort {
  const addOwnerMessage: CasePort['addOwnerMessage'] = async (caseId, message) => {
    await tickets.addOwnerMessage(caseId, {
      text: message.text,
      messageKey: message.key,
      at: message.receivedAt,
      attachments: message.attachments.map(({ kind, reference }) => ({ kind, reference })),
    });
  };
  return {
    async open({ kind, understanding, identity, language, message, firstReply }) {
      const owner = await owners?.ownerOf(identity);
      const { ticket } = await tickets.open(
        {
          kind,
          intent: understanding.intent,
          category: understanding.category,
          emergencyKind: understanding.emergency?.kind ?? '',
          origin: message.key,
          identityKey: identity.key,
          ...(identity.ownerId ? { ownerId: identity.ownerId } : {}),
          verified: identity.verified,
          address: identity.address,
          language,
          ...(owner ? { building: owner.building, unit: owner.unit } : {}),
          text: understanding.text,
          attachments: message.attachments.map(({ kind: attachmentKind, reference }) => ({
            kind: attachmentKind,
            reference,
          })),
        },
        {
          // Its first handling: no earlier attempt can have opened a case for it.
          firstAttempt: message.attempts === 1,
          ...(firstReply
            ? {
                botReply: (opened: TicketRecord) => ({
                  text: firstReply.text(toView(opened, tickets)),
                  messageKey: firstReply.key,
                }),
              }
            : {}),
        },
      );
      const firstReplyKept = !!firstReply && ticket.messages.some((m) => m.messageKey === firstReply.key);
      return { ...toView(ticket, tickets), firstReplyKept };
    },
    async listOpen(identity) {
      return (await tickets.listOpen(identity.key, identity.ownerId ?? '')).map((t) => toView(t, tickets));
    },
    addOwnerMessage,
    async reopenByOwner(caseId, message) {
      const current = await tickets.get(caseId);
      // Reopening twice for one message (a retried handling) finds it open already.
      if (SETTLED.has(current.status))
        await tickets.reopen(caseId, 'owner', 'the owner says it is still not fixed');
      await addOwnerMessage(caseId, message);
      return toView(await tickets.get(caseId), tickets);
    },
  };
}

const REASONS: Record<string, LocalizedText> = {
  work_order: staffTexts.reasonWorkOrder,
  complaint: staffTexts.reasonComplaint,
  question_for_staff: staffTexts.reasonQuestion,
  bot_did_not_understand: staffTexts.reasonNotUnderstood,
  reopened_by_owner: staffTexts.reasonReopenedByOwner,
  ...understandingReasons,
};

/**
 * How staff see who wrote: the owner's name and home when verified, else the name the
 * platform gave, else "<channel> user <id>". Never the raw identity key.
 */
export function ownerLabel(
  identity: Pick<Identity, 'displayName' | 'channel' | 'platformUserId'>,
  owner: Pick<Owner, 'name' | 'building' | 'unit'> | undefined,
  language: Language,
): string {
  if (owner) {
    const home = localize(staffTexts.home, language, { building: owner.building, unit: owner.unit });
    return localize(staffTexts.ownerWithHome, language, { name: owner.name, home });
  }
  if (identity.displayName) return identity.displayName;
  return localize(staffTexts.unnamedUser, language, {
    channel: label(identity.channel, language),
    id: identity.platformUserId,
  });
}

function reasonText(reason: string, language: Language): string {
  if (reason.startsWith('emergency:')) {
    const kind = label(reason.slice('emergency:'.length), language);
    return localize(staffTexts.reasonEmergency, language, { kind });
  }
  return localize(REASONS[reason] ?? { zh: reason, en: reason }, language);
}

export interface StaffPortDeps {
  outbox: Outbox;
  staffAddress?: Address;
  /** The staff thread of a case (Slack: the escalation message's ts), for follow-ups to land in it. */
  threadOf?: (caseId: string) => Promise<string | undefined>;
  /** Mention put in front of emergencies, e.g. Slack's `<!subteam^S0ONCALL>`. */
  onCallMention?: string;
  /** Names verified owners (and their home) in escalations. */
  owners?: OwnerLookup;
  timeZone?: string;
  /** STAFF_LANGUAGE. */
  language?: Language;
  logger: Logger;
}

/**
 * Escalations to the staff desk through the outbox: to the configured staff conversation
 * (the Slack escalation channel) when there is one, with Claim, Hand over, Resolve and
 * Reclassify. Owners' words and names are escaped, so they can never ping the channel or
 * disguise a link. Without a staff conversation the case waits on the web desk.
 */
export function outboxStaffPort(deps: StaffPortDeps): StaffPort {
  const language = deps.language ?? 'zh';
  const timeZone = deps.timeZone ?? 'Asia/Shanghai';
  return {
    async escalate({ caseView, urgent, reason, identity }) {
      if (!deps.staffAddress) {
        deps.logger.info(
          { reference: caseView.reference, reason, urgent },
          'Case waiting for staff on the desk',
        );
        return;
      }
      const owner = await deps.owners?.ownerOf(identity);
      const deadline = new Date(caseView.createdAt.getTime() + caseView.acknowledgeWithinMinutes * 60_000);
      await deps.outbox.enqueue({
        key: `escalation:${caseView.id}:${reason}`,
        address: deps.staffAddress,
        purpose: 'escalation',
        caseId: caseView.id,
        // An emergency's escalation goes ahead of everything queued.
        ...(urgent ? { urgent: true } : {}),
        message: {
          language,
          buttons: escalationButtons(caseView.id, language),
          text: localize(staffTexts.escalation, language, {
            urgent: urgent ? '🚨 ' : '',
            oncall: caseView.emergencyKind && deps.onCallMention ? `${deps.onCallMention} ` : '',
            reference: caseView.reference,
            channel: label(caseView.channel, language),
            intent: label(caseView.intent, language),
            category: label(caseView.category, language),
            deadline: localClock(deadline, timeZone, caseView.createdAt),
            reason: reasonText(reason, language),
            who: escapeMrkdwn(ownerLabel(identity, owner, language)),
            verified: localize(identity.verified ? staffTexts.verified : staffTexts.unverified, language),
            // Staff see the owner's words with phone numbers masked; the full number is on the owner record.
            title: escapeMrkdwn(maskPhonesInText(caseView.title)),
          }),
        },
      });
    },
    async relay({ caseView, text, messageKey }) {
      if (!deps.staffAddress) return;
      const threadId = await deps.threadOf?.(caseView.id);
      await deps.outbox.enqueue({
        key: `relay:${messageKey}`,
        address: threadId ? { ...deps.staffAddress, threadId } : deps.staffAddress,
        purpose: 'escalation',
        caseId: caseView.id,
        message: {
          language,
          text: localize(staffTexts.relay, language, {
            reference: caseView.reference,
            text: escapeMrkdwn(maskPhonesInText(text)),
          }),
        },
      });
    },
  };
}

/** Owner-facing purposes whose texts belong in the case's thread. */
const TOLD_THE_OWNER = new Set(['reply', 'notification', 'return_visit']);

/**
 * The outbox as the dialog and the case desk use it: every owner-facing message queued for a
 * case is also kept on the case as the bot's message (once per outbox key), so staff see
 * what the owner was already told. Staff replies are kept by the desk itself.
 */
export function recordingOutbox(outbox: Outbox, tickets: TicketService, logger: Logger): Outbox {
  return {
    ...outbox,
    async enqueue(input) {
      const queued = await outbox.enqueue(input);
      const { caseId, key, purpose } = input;
      if (caseId && TOLD_THE_OWNER.has(purpose) && !key.startsWith('staff-reply:') && !input.keptOnCase) {
        // The message is queued already: a case that cannot take the copy must not undo it.
        await tickets
          .addBotMessage(caseId, input.message.text, key)
          .catch((error: unknown) =>
            logger.warn({ err: error, key }, 'Could not keep the bot message on the case'),
          );
      }
      return queued;
    },
  };
}

/** Who opened a case, as the desks show them: identity, owner record (when verified) and the label. */
export async function caseOwnerOf(
  owners: Pick<OwnerService, 'identityByKey' | 'ownerOf'>,
  ticket: Pick<TicketRecord, 'identityKey' | 'ownerId' | 'verified' | 'address'>,
  language: Language,
): Promise<{ identity?: Identity; owner?: Owner; label: string }> {
  const [identity, owner] = await Promise.all([
    owners.identityByKey(ticket.identityKey),
    ticket.ownerId ? owners.ownerOf({ ownerId: ticket.ownerId, verified: true }) : undefined,
  ]);
  const [channel = ticket.address.channel, ...rest] = ticket.identityKey.split(':');
  const fallback = {
    displayName: '',
    channel: channel as Identity['channel'],
    platformUserId: rest.join(':'),
  };
  return {
    ...(identity ? { identity } : {}),
    ...(owner ? { owner } : {}),
    label: ownerLabel(identity ?? fallback, owner, language),
  };
}
