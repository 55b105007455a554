import type { Address } from '../services/channels/types';
import { localize, type LocalizedText } from '../services/i18n/text';
import type { Logger } from '../services/logging/logger';
import type { Outbox } from '../services/outbox/outbox';
import type { TicketService } from '../services/tickets/ticket-service';
import type { Job } from './jobs';

const WARNING: LocalizedText = {
  zh: '⏰【{reference}】{deadline}时限将到（{due}），请尽快处理。',
  en: '⏰ [{reference}] The {deadline} deadline is close ({due}); please act.',
};
const ESCALATION: LocalizedText = {
  zh: '🔺【{reference}】已超过{deadline}时限，升级至{target}（第 {level} 级）。',
  en: '🔺 [{reference}] The {deadline} deadline has passed: escalated to the {target} (level {level}).',
};
const DEADLINES: Record<string, LocalizedText> = {
  acknowledge: { zh: '响应', en: 'acknowledgement' },
  resolve: { zh: '处理', en: 'resolution' },
};
const TARGETS: Record<string, LocalizedText> = {
  desk: { zh: '客服台', en: 'desk' },
  supervisor: { zh: '主管', en: 'supervisor' },
  manager: { zh: '经理', en: 'manager' },
};

export interface SlaJobDeps {
  tickets: TicketService;
  outbox: Outbox;
  logger: Logger;
  /** The staff conversation (Slack escalation channel); without it steps are logged for the desk. */
  staffAddress?: Address;
  language?: 'zh' | 'en';
}

/**
 * The SLA watch, one run: applies the warnings and escalations due at `now` (each once,
 * whichever instance gets there first) and tells staff through the outbox under
 * `sla:<caseId>:<step>`, so every instance may run it every minute (DESIGN decision 4).
 */
export async function runSlaEscalations(deps: SlaJobDeps, now: Date): Promise<{ applied: number }> {
  const log = deps.logger.child({ schedule: 'sla' });
  const language = deps.language ?? 'zh';
  const events = await deps.tickets.applyDueEscalations(now);
  for (const event of events) {
    const step = event.step;
    if (!step) continue;
    const values = {
      reference: event.ticket.reference,
      deadline: localize(DEADLINES[step.deadline] as LocalizedText, language),
      target: localize(TARGETS[step.target] as LocalizedText, language),
      level: step.level,
      due: step.dueAt.toISOString().slice(11, 16),
    };
    log.warn({ reference: event.ticket.reference, step: step.key, target: step.target }, 'SLA step applied');
    if (!deps.staffAddress) continue;
    await deps.outbox.enqueue({
      key: `sla:${String(event.ticket._id)}:${step.key}`,
      address: deps.staffAddress,
      purpose: 'escalation',
      caseId: String(event.ticket._id),
      message: { language, text: localize(step.type === 'warning' ? WARNING : ESCALATION, language, values) },
    });
  }
  return { applied: events.length };
}

/** The SLA watch as a job (default every minute). */
export function slaEscalationsJob(deps: SlaJobDeps, cron = '* * * * *'): Job {
  return { name: 'sla-escalations', cron, run: (now) => runSlaEscalations(deps, now) };
}
