import type { webApi } from '@slack/bolt';
import type { Clock } from '../../../services/clock';
import type { Language } from '../../../services/i18n/text';
import type { Logger } from '../../../services/logging/logger';
import type { OwnerService } from '../../../services/owners/owner-service';
import type { TicketRecord } from '../../../services/tickets/ticket-model';
import type { TicketService } from '../../../services/tickets/ticket-service';
import { explainRefusal, type CaseDesk } from '../../core/case-desk';
import { caseOwnerOf } from '../../core/cases';
import { caseCard } from './slack-case-card';
import type { SlackStaff } from './slack-staff';

/** What every listener of the Slack desk works with. */
export interface SlackDeskContext {
  client: webApi.WebClient;
  caseDesk: CaseDesk;
  tickets: TicketService;
  owners: Pick<OwnerService, 'identityByKey' | 'ownerOf'>;
  staff: SlackStaff;
  escalationChannel: string;
  /** STAFF_LANGUAGE. */
  language: Language;
  /** BOT_TIMEZONE. */
  timeZone: string;
  clock: Clock;
  log: Logger;
}

/** Where a message sits: a channel and its ts. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** A case button's value, `case:<verb>:<id>`, taken apart; undefined for anything else. */
export function parseCaseValue(value: string | undefined): { verb: string; caseId: string } | undefined {
  const match = /^case:(\w+):([a-f0-9]{24})$/.exec(value ?? '');
  return match ? { verb: match[1] as string, caseId: match[2] as string } : undefined;
}

/** An ephemeral line to one person (failures are logged: the action itself already happened or not). */
export async function tellUser(
  context: SlackDeskContext,
  where: { channel: string; user: string; threadTs?: string },
  text: string,
): Promise<void> {
  await context.client.chat
    .postEphemeral({
      channel: where.channel,
      user: where.user,
      text,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    })
    .catch((error: unknown) => context.log.warn({ err: error }, 'Could not post an ephemeral message'));
}

/**
 * Tells the person why the ticket service refused, in the staff language; rethrows anything
 * that is not a refusal, so Bolt answers 500 and Slack retries.
 */
export async function explainToUser(
  context: SlackDeskContext,
  error: unknown,
  caseId: string,
  where: { channel: string; user: string; threadTs?: string },
): Promise<void> {
  const ticket = await context.tickets.get(caseId).catch(() => undefined);
  const text = explainRefusal(error, ticket, context.language);
  if (text === undefined) throw error;
  await tellUser(context, where, text);
}

/**
 * Redraws the case's escalation message (its staff thread, else `fallback`) to match the case
 * now: state, owner, deadlines and the buttons that fit. A failed redraw is logged, not retried.
 */
export async function refreshCard(
  context: SlackDeskContext,
  ticket: TicketRecord,
  fallback?: MessageRef,
): Promise<void> {
  const where = ticket.staffThread
    ? { channel: ticket.staffThread.channel, ts: ticket.staffThread.threadId }
    : fallback;
  if (!where?.ts) return;
  const { label } = await caseOwnerOf(context.owners, ticket, context.language);
  const card = caseCard(ticket, {
    who: label,
    language: context.language,
    timeZone: context.timeZone,
    now: context.clock.now(),
    deadlines: context.tickets.deadlines(ticket),
  });
  await context.client.chat
    .update({ channel: where.channel, ts: where.ts, text: card.text, blocks: card.blocks })
    .catch((error: unknown) => context.log.warn({ err: error }, 'Could not update the escalation message'));
}
