import type { Connection, Model } from 'mongoose';
import type { Address } from '../channels/types';
import type { Clock } from '../clock';
import type { Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import type { OwnerService } from '../owners/owner-service';
import { DEFAULT_QUIET_HOURS, type QuietHours } from '../surveys/local-time';
import { ticketModels, type TicketRecord } from '../tickets/ticket-model';
import type { TicketService } from '../tickets/ticket-service';
import { returnVisitModel, type ReturnVisitRecord } from './return-visit-model';

export interface ReturnVisitSettings {
  /** How long after a case is resolved the owner is asked (default 24 h). */
  delayMs: number;
  /** No answer this long after the prompt: the case is flagged for a phone visit (default 3 days). */
  phoneAfterMs: number;
  quietHours: QuietHours | null;
  timeZone: string;
  /** Free text this long after a question still counts as its answer. */
  answerWindowMs: number;
}

export const DEFAULT_RETURN_VISIT_SETTINGS: ReturnVisitSettings = {
  delayMs: 24 * 3_600_000,
  phoneAfterMs: 3 * 86_400_000,
  quietHours: DEFAULT_QUIET_HOURS,
  timeZone: 'Asia/Shanghai',
  answerWindowMs: 2 * 86_400_000,
};

/** What the return-visit service is built from. */
export interface ReturnVisitDeps {
  connection: Connection;
  tickets: TicketService;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  settings?: Partial<ReturnVisitSettings>;
  /** The staff conversation (Slack escalation channel); without it staff see the case on the desk. */
  staffAddress?: Address;
  staffLanguage?: Language;
}

/** What every part of a return visit shares: the stores, the case verbs and where staff are told. */
export interface VisitContext {
  Visits: Model<ReturnVisitRecord>;
  Tickets: Model<TicketRecord>;
  tickets: TicketService;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  settings: ReturnVisitSettings;
  staffAddress: Address | undefined;
  staffLanguage: Language;
}

/** The shared context, settings filled in from the defaults and staff told in Chinese unless set. */
export function visitContextOf(deps: ReturnVisitDeps): VisitContext {
  return {
    Visits: returnVisitModel(deps.connection),
    Tickets: ticketModels(deps.connection).Tickets,
    tickets: deps.tickets,
    owners: deps.owners,
    outbox: deps.outbox,
    clock: deps.clock,
    log: deps.logger.child({ component: 'return-visits' }),
    settings: { ...DEFAULT_RETURN_VISIT_SETTINGS, ...deps.settings },
    staffAddress: deps.staffAddress,
    staffLanguage: deps.staffLanguage ?? 'zh',
  };
}

/** Writes `set` onto one stored visit. */
export async function updateVisit(
  ctx: VisitContext,
  visit: ReturnVisitRecord,
  set: Partial<ReturnVisitRecord>,
): Promise<void> {
  await ctx.Visits.updateOne({ _id: visit._id }, { $set: set });
}
