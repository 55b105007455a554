import { localize } from '../i18n/text';
import { staffTexts } from '../i18n/staff';
import type { ReturnVisitRecord } from './return-visit-model';
import type { VisitContext } from './visit-context';

/**
 * Queues `text` for the staff conversation, keyed by `key` (sent once however often it is
 * asked), in the case's staff thread when `thread` and with a claim button when `claim`.
 * Without a staff conversation the notice is only logged: staff see the case on the desk.
 */
export async function tellStaff(
  ctx: VisitContext,
  key: string,
  caseId: string,
  text: string,
  options: { thread?: boolean; claim?: boolean } = {},
): Promise<void> {
  if (!ctx.staffAddress) {
    ctx.log.info({ caseId, key }, 'Return-visit notice waiting for staff on the desk');
    return;
  }
  const ticket = await ctx.tickets.get(caseId);
  const thread = options.thread && ticket.staffThread ? { threadId: ticket.staffThread.threadId } : {};
  const language = ctx.staffLanguage;
  const claim = { action: `case:claim:${caseId}`, label: localize(staffTexts.claim, language) };
  await ctx.outbox.enqueue({
    key,
    address: { ...ctx.staffAddress, ...thread },
    purpose: 'escalation',
    caseId,
    message: { language, text, ...(options.claim ? { buttons: [claim] } : {}) },
  });
}

/** Who handled the case: a Slack mention for a Slack user id, else the name or id, else a dash. */
export function handlerOf(visit: Pick<ReturnVisitRecord, 'assignee' | 'assigneeName'>): string {
  return /^[UW][A-Z0-9]+$/.test(visit.assignee)
    ? `<@${visit.assignee}>`
    : visit.assigneeName || visit.assignee || '—';
}
