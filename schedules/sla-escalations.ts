import type { Address } from '../services/channels/types';
import { staffTexts } from '../services/i18n/staff';
import { localize, type Language } from '../services/i18n/text';
import { localClock, spanText } from '../services/i18n/time';
import type { Logger } from '../services/logging/logger';
import type { Outbox } from '../services/outbox/outbox';
import type { SlaStep } from '../services/tickets/sla';
import type { TicketEvent, TicketService } from '../services/tickets/ticket-service';
import type { Job } from './jobs';

const DEADLINES = { acknowledge: staffTexts.deadlineAcknowledge, resolve: staffTexts.deadlineResolve };
const TARGETS = {
  desk: staffTexts.targetDesk,
  supervisor: staffTexts.targetSupervisor,
  manager: staffTexts.targetManager,
};

export interface SlaJobDeps {
  tickets: TicketService;
  outbox: Outbox;
  logger: Logger;
  /** The staff conversation (Slack escalation channel); without it steps are logged for the desk. */
  staffAddress?: Address;
  /** STAFF_LANGUAGE. */
  language?: Language;
  /** BOT_TIMEZONE: deadlines are shown on the staff's own clock. */
  timeZone?: string;
}

/** The staff message of one SLA step: the deadline itself, in the staff's time zone and language. */
export function slaStepText(
  event: TicketEvent & { step: SlaStep },
  deps: Pick<SlaJobDeps, 'tickets' | 'language' | 'timeZone'>,
  now: Date,
): string {
  const { step, ticket } = event;
  const language = deps.language ?? 'zh';
  const deadlines = deps.tickets.deadlines(ticket);
  const due = step.deadline === 'acknowledge' ? deadlines.acknowledgeBy : deadlines.resolveBy;
  return localize(step.type === 'warning' ? staffTexts.slaWarning : staffTexts.slaEscalation, language, {
    reference: ticket.reference,
    deadline: localize(DEADLINES[step.deadline], language),
    target: localize(TARGETS[step.target], language),
    level: step.level,
    due: localClock(due, deps.timeZone ?? 'Asia/Shanghai', now),
    left:
      due > now
        ? localize(staffTexts.timeLeft, language, { span: spanText(due.getTime() - now.getTime(), language) })
        : '',
  });
}

/**
 * The SLA watch, one run: applies the warnings and escalations due at `now` (each once,
 * whichever instance gets there first) and tells staff through the outbox under
 * `sla:<caseId>:<step>`, so every instance may run it every minute.
 */
export async function runSlaEscalations(deps: SlaJobDeps, now: Date): Promise<{ applied: number }> {
  const log = deps.logger.child({ schedule: 'sla' });
  const language = deps.language ?? 'zh';
  const events = await deps.tickets.applyDueEscalations(now);
  for (const event of events) {
    const step = event.step;
    if (!step) continue;
    log.warn({ reference: event.ticket.reference, step: step.key, target: step.target }, 'SLA step applied');
    if (!deps.staffAddress) continue;
    await deps.outbox.enqueue({
      key: `sla:${String(event.ticket._id)}:${step.key}`,
      address: deps.staffAddress,
      purpose: 'escalation',
      caseId: String(event.ticket._id),
      message: { language, text: slaStepText({ ...event, step }, deps, now) },
    });
  }
  return { applied: events.length };
}

/** The SLA watch as a job (default every minute). */
export function slaEscalationsJob(deps: SlaJobDeps, cron = '* * * * *'): Job {
  return { name: 'sla-escalations', cron, run: (now) => runSlaEscalations(deps, now) };
}
