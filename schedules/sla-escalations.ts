import cron from 'node-cron';
import type { Address } from '../services/channels/types';
import type { Clock } from '../services/clock';
import { localize, type LocalizedText } from '../services/i18n/text';
import type { Logger } from '../services/logging/logger';
import type { Outbox } from '../services/outbox/outbox';
import type { TicketEvent, TicketService } from '../services/tickets/ticket-service';

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

/**
 * Runs the SLA ladder every minute: applies the warnings and escalations due (each once,
 * whichever instance gets there first) and tells staff through the outbox. The work is
 * keyed, so every instance may run this schedule (DESIGN decision 4).
 */
export function startSlaSchedule(deps: {
  tickets: TicketService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  timezone: string;
  /** The staff conversation (Slack escalation channel); without it steps are logged for the desk. */
  staffAddress?: Address;
  language?: 'zh' | 'en';
}) {
  const log = deps.logger.child({ schedule: 'sla' });
  const language = deps.language ?? 'zh';

  async function notify(event: TicketEvent): Promise<void> {
    const step = event.step;
    if (!step) return;
    const values = {
      reference: event.ticket.reference,
      deadline: localize(DEADLINES[step.deadline] as LocalizedText, language),
      target: localize(TARGETS[step.target] as LocalizedText, language),
      level: step.level,
      due: step.dueAt.toISOString().slice(11, 16),
    };
    log.warn({ reference: event.ticket.reference, step: step.key, target: step.target }, 'SLA step applied');
    if (!deps.staffAddress) return;
    await deps.outbox.enqueue({
      key: `sla:${String(event.ticket._id)}:${step.key}`,
      address: deps.staffAddress,
      purpose: 'escalation',
      caseId: String(event.ticket._id),
      message: { language, text: localize(step.type === 'warning' ? WARNING : ESCALATION, language, values) },
    });
  }

  /** One run: what is due now. Exposed for tests and `npx ownerbot` operations. */
  async function runOnce(): Promise<number> {
    const events = await deps.tickets.applyDueEscalations(deps.clock.now());
    for (const event of events) await notify(event);
    return events.length;
  }

  const task = cron.schedule(
    '* * * * *',
    async () => {
      try {
        await runOnce();
      } catch (error) {
        log.error({ err: error }, 'SLA run failed; the next minute tries again');
      }
    },
    { timezone: deps.timezone, noOverlap: true, name: 'sla-escalations' },
  );

  return {
    runOnce,
    async stop(): Promise<void> {
      await task.stop();
      await task.destroy();
    },
  };
}
