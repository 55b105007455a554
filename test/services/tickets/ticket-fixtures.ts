import { Types, type Connection } from 'mongoose';
import { createFakeClock, type FakeClock } from '../../../services/clock';
import { DomainError } from '../../../services/errors';
import { newCase } from '../../../services/tickets/open-case';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../../services/tickets/sla';
import type { TicketMessage, TicketRecord, TicketStatus } from '../../../services/tickets/ticket-model';
import {
  createTicketService,
  type OpenTicketInput,
  type Staff,
  type TicketService,
} from '../../../services/tickets/ticket-service';

export const alice: Staff = { id: 'U_ALICE', name: 'Alice' };
export const bob: Staff = { id: 'U_BOB', name: 'Bob' };
export const carol: Staff = { id: 'U_CAROL', name: 'Carol' };
export const supervisor: Staff = { id: 'U_SAM', name: 'Sam', supervisor: true };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** When `storedCase` cases open: 22 Nov 2026, 10:00 in Shanghai. */
export const OPENED_AT = new Date('2026-11-22T02:00:00Z');

/** A typical repair request as the dialog opens it. */
export const REPAIR_REQUEST: OpenTicketInput = {
  kind: 'work_order',
  intent: 'help_seeking',
  category: 'equipment',
  origin: 'telegram:1',
  identityKey: 'telegram:42',
  verified: true,
  address: { channel: 'telegram', conversationId: '42' },
  language: 'en',
  text: 'The lift in building 3 is broken',
};

/** A case as opening stores it at `OPENED_AT` (reference WO-2611-0001), `overrides` on top; no database. */
export function storedCase(
  overrides: Partial<TicketRecord> = {},
  input: Partial<OpenTicketInput> = {},
): TicketRecord {
  return {
    _id: new Types.ObjectId(),
    reference: 'WO-2611-0001',
    ...newCase({ ...REPAIR_REQUEST, ...input }, OPENED_AT, { policy: DEFAULT_SLA_POLICY }),
    ...overrides,
  };
}

/** An owner's follow-up five minutes after `OPENED_AT`, as the dialog adds it. */
export const followUp = (overrides: Partial<TicketMessage> = {}): TicketMessage => ({
  at: new Date(OPENED_AT.getTime() + 5 * 60_000),
  from: 'owner',
  text: 'Hello?',
  messageKey: 'telegram:2',
  attachments: [],
  ...overrides,
});

/**
 * The state machine: the status each verb leaves a case in when the case's owner uses it
 * from each status; a status missing is refused (`invalid_transition`).
 */
export const EXPECTED_TRANSITIONS: Record<string, Partial<Record<TicketStatus, TicketStatus>>> = {
  claim: { new: 'claimed', reopened: 'claimed' },
  start: { claimed: 'in_progress', reopened: 'in_progress' },
  resolve: { claimed: 'resolved', in_progress: 'resolved', reopened: 'resolved' },
  startReturnVisit: { resolved: 'return_visit' },
  close: { resolved: 'closed', return_visit: 'closed' },
  reopen: { resolved: 'reopened', return_visit: 'reopened', closed: 'reopened' },
  offerHandover: { claimed: 'claimed', in_progress: 'in_progress', reopened: 'reopened' },
  recordReturnVisit: { resolved: 'resolved', return_visit: 'return_visit' },
};

let messageCount = 0;
/** A platform message id no other test of the run uses. */
export const nextOrigin = () => `telegram:${process.pid}-${++messageCount}`;

/**
 * A ticket service on the test file's database with a fake clock (22 Nov 2026, 10:00 in
 * Shanghai), an `open` that fills in a typical repair request, and `instance()` for a second
 * app instance on the same database.
 */
export function ticketSetup(
  connection: Connection,
  options: { slaPolicy?: SlaPolicy; clock?: FakeClock } = {},
) {
  const clock = options.clock ?? createFakeClock(OPENED_AT);
  const instance = () =>
    createTicketService({
      connection,
      clock,
      ...(options.slaPolicy ? { slaPolicy: options.slaPolicy } : {}),
    });
  const tickets = instance();
  const open = (overrides: Partial<OpenTicketInput> = {}) =>
    tickets.open({ ...REPAIR_REQUEST, origin: nextOrigin(), ...overrides });
  const openId = async (overrides: Partial<OpenTicketInput> = {}) =>
    String((await open(overrides)).ticket._id);
  return { clock, tickets, open, openId, instance };
}

/** The DomainError a promise rejects with (fails the test when it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** Moves a fresh case owned by Alice to `status` through the verbs themselves. */
export async function driveTo(tickets: TicketService, id: string, status: TicketStatus): Promise<void> {
  if (status === 'new') return;
  await tickets.claim(id, alice);
  if (status === 'claimed') return;
  if (status === 'in_progress') {
    await tickets.start(id, alice);
    return;
  }
  await tickets.resolve(id, alice, 'fixed');
  if (status === 'resolved') return;
  if (status === 'return_visit') {
    await tickets.startReturnVisit(id, 'schedule');
    return;
  }
  await tickets.close(id, alice.id);
  if (status === 'closed') return;
  await tickets.reopen(id, 'owner', 'it broke again');
}
