import type { Button } from '../../../services/channels/types';
import { escapeMrkdwn } from '../../../services/channels/mrkdwn';
import { label } from '../../../services/i18n/labels';
import { staffTexts } from '../../../services/i18n/staff';
import { slackDeskTexts } from '../../../services/i18n/staff-forms';
import { localize, type Language } from '../../../services/i18n/text';
import { localClock } from '../../../services/i18n/time';
import { maskPhonesInText } from '../../../services/privacy/phone-mask';
import type { TicketRecord } from '../../../services/tickets/ticket-model';
import { caseAction, escalationButtons, type CaseActionName } from '../../core/cases';

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75), emoji: true });

/** A Block Kit button for a case action; its action id (`case_claim`) is what Bolt routes on. */
export function caseButton(button: Button) {
  const verb = /^case:(\w+):/.exec(button.action)?.[1] ?? 'unknown';
  return {
    type: 'button' as const,
    action_id: `case_${verb}`,
    value: button.action,
    text: plain(button.label),
  };
}

/** The buttons that fit the case's state: all four while nobody holds it, none of the method's once settled. */
export function cardButtons(ticket: TicketRecord, language: Language): Button[] {
  const id = String(ticket._id);
  if (ticket.status === 'new' || ticket.status === 'reopened') return escalationButtons(id, language);
  const actions: CaseActionName[] =
    ticket.status === 'claimed' || ticket.status === 'in_progress'
      ? ['handover', 'resolve', 'reclassify']
      : ['reclassify'];
  return actions.map((action) => ({
    action: caseAction(action, id),
    label: localize(staffTexts[action], language),
  }));
}

export interface CardContext {
  /** Who opened the case, as staff see them (already computed from the owner record). */
  who: string;
  language: Language;
  timeZone: string;
  now: Date;
  /** The acknowledge and resolve deadlines of the current round. */
  deadlines: { acknowledgeBy: Date; resolveBy: Date };
}

function stateLine(ticket: TicketRecord, context: CardContext): string {
  const { language } = context;
  const at = (date: Date) => localClock(date, context.timeZone, context.now);
  const t = (key: keyof typeof slackDeskTexts, values: Record<string, string>) =>
    localize(slackDeskTexts[key], language, values);
  if (['resolved', 'return_visit', 'closed'].includes(ticket.status)) {
    const resolved = ticket.history.findLast((entry) => entry.action === 'resolved');
    return t('resolvedBy', { staff: ticket.assigneeName || ticket.assignee, result: resolved?.note ?? '' });
  }
  const parts = ticket.assignee
    ? [t('heldBy', { staff: ticket.assigneeName || ticket.assignee })]
    : [t('unclaimed', { deadline: at(context.deadlines.acknowledgeBy) })];
  parts.push(t('resolveBy', { deadline: at(context.deadlines.resolveBy) }));
  if (ticket.pendingHandover) parts.push(t('waitingHandover', { staff: ticket.pendingHandover.toName }));
  return parts.join(' · ');
}

/**
 * The escalation message as it should read now: the case, who wrote, their words (escaped,
 * phones masked), who holds it and by when, and the buttons that fit its state. Sent with
 * `chat.update` after every action, so the message never loses its buttons.
 */
export function caseCard(ticket: TicketRecord, context: CardContext) {
  const { language } = context;
  const t = (key: keyof typeof slackDeskTexts, values: Record<string, string>) =>
    localize(slackDeskTexts[key], language, values);
  const verified = localize(ticket.verified ? staffTexts.verified : staffTexts.unverified, language);
  const body = [
    t('cardHead', {
      urgent: ticket.priority === 'urgent' ? '🚨 ' : '',
      reference: ticket.reference,
      kind: label(ticket.emergencyKind || ticket.kind, language),
      category: label(ticket.category, language),
      status: label(ticket.status, language),
    }),
    t('cardOwner', {
      who: escapeMrkdwn(context.who),
      channel: label(ticket.address.channel, language),
      verified,
    }),
    t('cardMessage', { title: escapeMrkdwn(maskPhonesInText(ticket.title)) }),
  ].join('\n');
  const state = escapeMrkdwn(stateLine(ticket, context));
  const buttons = cardButtons(ticket, language);
  return {
    text: `[${ticket.reference}] ${label(ticket.status, language)}: ${escapeMrkdwn(maskPhonesInText(ticket.title))}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: state }] },
      ...(buttons.length > 0 ? [{ type: 'actions', elements: buttons.map(caseButton) }] : []),
    ],
  };
}
