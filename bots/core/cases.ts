import type { Address } from '../../services/channels/types';
import { localize, type LocalizedText } from '../../services/i18n/text';
import { understandingReasons } from '../../services/i18n/understanding';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import type { Logger } from '../../services/logging/logger';
import type { Outbox } from '../../services/outbox/outbox';
import type { TicketRecord } from '../../services/tickets/ticket-model';
import type { TicketService } from '../../services/tickets/ticket-service';
import type { CasePort, CaseView, StaffPort } from './message-path/ports';

const HELD_BY_STAFF = new Set(['claimed', 'in_progress']);
const SETTLED = new Set(['resolved', 'return_visit', 'closed']);

/** The value of a staff desk button acting on a case: `case:claim:<ticketId>`. */
export function caseAction(
  action: 'claim' | 'resolve' | 'reclassify' | 'handover' | 'accept' | 'decline',
  caseId: string,
): string {
  return `case:${action}:${caseId}`;
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

/** The dialog's view of the ticket service. */
export function ticketCases(tickets: TicketService): CasePort {
  const addOwnerMessage: CasePort['addOwnerMessage'] = async (caseId, message) => {
    await tickets.addOwnerMessage(caseId, {
      text: message.text,
      messageKey: message.key,
      at: message.receivedAt,
      attachments: message.attachments.map(({ kind, reference }) => ({ kind, reference })),
    });
  };
  return {
    async open({ kind, understanding, identity, language, message }) {
      const { ticket } = await tickets.open({
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
        text: understanding.text,
        attachments: message.attachments.map(({ kind: attachmentKind, reference }) => ({
          kind: attachmentKind,
          reference,
        })),
      });
      return toView(ticket, tickets);
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

const STAFF_TEXTS = {
  escalation: {
    zh: '{urgent}{oncall}【{reference}】{reason}\n业主：{who}（{verified}，{channel}）\n意图：{intent} · 类别：{category} · 响应时限：{deadline}\n内容：{title}',
    en: '{urgent}{oncall}[{reference}] {reason}\nOwner: {who} ({verified}, {channel})\nIntent: {intent} · category: {category} · acknowledge by {deadline}\nMessage: {title}',
  },
  relay: {
    zh: '【{reference}】业主补充：{text}',
    en: '[{reference}] The owner adds: {text}',
  },
} satisfies Record<string, LocalizedText>;

const REASONS: Record<string, LocalizedText> = {
  work_order: { zh: '新报修', en: 'New repair request' },
  complaint: { zh: '新投诉，请立即处理', en: 'New complaint: handle now' },
  question_for_staff: { zh: '业主咨询，知识库无答案', en: 'Owner question the FAQ cannot answer' },
  bot_did_not_understand: {
    zh: '机器人未能理解，转人工',
    en: 'The bot did not understand: please take over',
  },
  ...understandingReasons,
};

/**
 * Escalations to the staff desk through the outbox: to the configured staff conversation
 * (the Slack escalation channel) when there is one. Without it the case still carries its
 * priority and history and waits on the desk; the log says so once per case.
 */
export function outboxStaffPort(deps: {
  outbox: Outbox;
  staffAddress?: Address;
  /** The staff thread of a case (Slack: the escalation message's ts), for follow-ups to land in it. */
  threadOf?: (caseId: string) => Promise<string | undefined>;
  /** Mention put in front of emergencies, e.g. Slack's `<!subteam^S0ONCALL>`. */
  onCallMention?: string;
  timeZone?: string;
  language?: 'zh' | 'en';
  logger: Logger;
}): StaffPort {
  const language = deps.language ?? 'zh';
  return {
    async escalate({ caseView, urgent, reason, identity }) {
      if (!deps.staffAddress) {
        deps.logger.info(
          { reference: caseView.reference, reason, urgent },
          'Case waiting for staff on the desk',
        );
        return;
      }
      const reasonText = reason.startsWith('emergency:')
        ? {
            zh: `紧急情况（${reason.slice(10)}），请立即处理`,
            en: `EMERGENCY (${reason.slice(10)}): act now`,
          }
        : (REASONS[reason] ?? { zh: reason, en: reason });
      await deps.outbox.enqueue({
        key: `escalation:${caseView.id}:${reason}`,
        address: deps.staffAddress,
        purpose: 'escalation',
        caseId: caseView.id,
        // An emergency's escalation goes ahead of everything queued.
        ...(urgent ? { urgent: true } : {}),
        message: {
          language,
          buttons: [
            {
              action: caseAction('claim', caseView.id),
              label: localize({ zh: '认领', en: 'Claim' }, language),
            },
          ],
          text: localize(STAFF_TEXTS.escalation, language, {
            urgent: urgent ? '🚨 ' : '',
            oncall: caseView.emergencyKind && deps.onCallMention ? `${deps.onCallMention} ` : '',
            reference: caseView.reference,
            channel: caseView.channel,
            intent: caseView.intent,
            category: caseView.category,
            deadline: new Date(
              caseView.createdAt.getTime() + caseView.acknowledgeWithinMinutes * 60_000,
            ).toLocaleTimeString('en-GB', {
              timeZone: deps.timeZone ?? 'Asia/Shanghai',
              hour: '2-digit',
              minute: '2-digit',
            }),
            reason: localize(reasonText, language),
            who: identity.displayName || identity.key.split(':')[0] || '',
            verified: identity.verified
              ? localize({ zh: '已验证', en: 'verified' }, language)
              : localize({ zh: '未验证', en: 'unverified' }, language),
            // Staff see the owner's words with phone numbers masked; the full number is on the owner record.
            title: maskPhonesInText(caseView.title),
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
          text: localize(STAFF_TEXTS.relay, language, {
            reference: caseView.reference,
            text: maskPhonesInText(text),
          }),
        },
      });
    },
  };
}
