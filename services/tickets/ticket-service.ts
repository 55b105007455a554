import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { createCaseHistoryQueries } from './case-history';
import { createCaseQueries, type CaseQueries } from './case-queries';
import { slaSubjectOf, type SlaFields } from './case-sla';
import { createCaseStore, type CaseStore } from './case-store';
import { eventOf, labelVerbs, methodVerbs, recordVerbs, type TicketEvent } from './case-verbs';
import { createCaseOpener, type OpenOptions, type OpenTicketInput } from './open-case';
import { DEFAULT_SLA_POLICY, deadlinesOf, type SlaPolicy } from './sla';
import { ticketModels, type TicketKind, type TicketRecord } from './ticket-model';
import { slaClassOf, slaStep } from './transitions';

export type { ActionOptions, LabelCorrection, TicketEvent } from './case-verbs';
export { MissingFieldsError, type ResolutionField } from './case-errors';
export type { OpenTicketInput } from './open-case';
export type { ResolveOptions, Staff } from './transitions';

/** A round of the SLA has at most 8 steps: a warning and three rungs for each of two deadlines. */
const MAX_SLA_STEPS_PER_RUN = 8;

/** The SLA ladder of every case: what is due, and the deadlines promised. */
function slaVerbs(deps: { store: CaseStore; queries: CaseQueries; policy: SlaPolicy }) {
  const { store, policy } = deps;
  return {
    /**
     * Applies every SLA warning and escalation due at `at`, each once even when several
     * instances run this at the same moment, and returns them for the caller to notify.
     * A case long overdue gets each missed step in turn, oldest first.
     */
    async applyDueEscalations(at: Date): Promise<TicketEvent[]> {
      const applied: TicketEvent[] = [];
      for (const id of await deps.queries.dueForSla(at)) {
        for (let step = 0; step < MAX_SLA_STEPS_PER_RUN; step++) {
          const changed = await store.change(String(id), 'sla', (t) => slaStep(t, at, policy));
          if (!changed.change?.step) break;
          applied.push(eventOf(changed, 'sla'));
        }
      }
      return applied;
    },

    /** The deadlines promised for a case in its current SLA round (replies quote the acknowledge time). */
    deadlines(ticket: Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt'> & Partial<SlaFields>) {
      return deadlinesOf(slaSubjectOf({ status: 'new', ...ticket }), policy);
    },

    /** Minutes to acknowledge a case of this kind and intent. */
    acknowledgeMinutes(kind: TicketKind, intent: string): number {
      return policy.acknowledgeMinutes[slaClassOf(kind, intent)];
    },
  };
}

/**
 * Cases: opening (idempotent on the opening message), the state machine with first-inquiry
 * responsibility and hand-overs, owners' follow-ups and staff replies, label corrections and
 * the SLA ladder. Verbs return events for the caller to turn into messages; nothing is sent.
 * Of two changes decided on the same version of a case, one lands and the other is decided
 * again: two staff claiming at once, one owns the case, the other hears who does.
 */
export function createTicketService(deps: {
  connection: Connection;
  clock: Clock;
  slaPolicy?: SlaPolicy;
  timeZone?: string;
  logger?: Logger;
}) {
  const { Tickets, Counters } = ticketModels(deps.connection);
  const { clock, timeZone, logger } = deps;
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  const store = createCaseStore({ Tickets, clock, policy });
  const queries = createCaseQueries({ Tickets });
  const opener = createCaseOpener({ Tickets, Counters, clock, policy, timeZone, logger });

  return {
    /**
     * Opens a case for the message; opening again for the same message (a retry, another
     * instance) returns the same case with `created: false`. Emergencies are urgent,
     * complaints (kind or dissatisfaction) high. The reference is unique: `WO-2611-0042`.
     */
    async open(
      input: OpenTicketInput,
      options?: OpenOptions,
    ): Promise<{ ticket: TicketRecord; created: boolean; event: TicketEvent }> {
      const { ticket, created } = await opener.open(input, options);
      return { ticket, created, event: { type: 'received', ticket, actor: 'bot', seq: 0 } };
    },
    /** A case by id; DomainError `ticket_not_found` when there is none. */
    get: store.load,
    getByReference: queries.getByReference,
    listOpen: queries.listOpen,
    queue: queries.queue,
    ...createCaseHistoryQueries({ Tickets }),
    byStaffThread: queries.byStaffThread,
    ...methodVerbs({ store, clock }),
    ...recordVerbs({ store, clock }),
    ...labelVerbs({ store, clock }),
    ...slaVerbs({ store, queries, policy }),
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
