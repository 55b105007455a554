import { DomainError } from '../../../services/errors';
import { DEFAULT_SLA_POLICY } from '../../../services/tickets/sla';
import {
  TICKET_STATUSES,
  type TicketRecord,
  type TicketStatus,
} from '../../../services/tickets/ticket-model';
import * as decide from '../../../services/tickets/transitions';
import {
  alice,
  bob,
  carol,
  EXPECTED_TRANSITIONS,
  followUp,
  MINUTE,
  OPENED_AT,
  storedCase,
  supervisor,
} from './ticket-fixtures';

const T0 = OPENED_AT;
const LATER = new Date(T0.getTime() + 5 * MINUTE);
const aCase = storedCase;

const ownedBy = (status: TicketStatus, overrides: Partial<TicketRecord> = {}) =>
  aCase({ status, assignee: alice.id, assigneeName: 'Alice', ...overrides });

/** The DomainError `run` throws (fails the test when it returns or throws anything else). */
function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal, got a change');
}

const VERBS: Record<string, (ticket: TicketRecord) => decide.Change> = {
  claim: (t) => decide.claim(t, alice, LATER),
  start: (t) => decide.start(t, alice, LATER),
  resolve: (t) => decide.resolve(t, alice, LATER, 'done'),
  startReturnVisit: (t) => decide.startReturnVisit(t),
  close: (t) => decide.close(t, undefined, LATER),
  reopen: (t) => decide.reopen(t, 'again', LATER),
  offerHandover: (t) => decide.offerHandover(t, alice, bob, LATER),
  recordReturnVisit: (t) => decide.recordReturnVisit(t, { rating: 4 }, LATER),
};

describe('the decide table', () => {
  const cells = Object.keys(EXPECTED_TRANSITIONS).flatMap((verb) =>
    TICKET_STATUSES.map((status) => [verb, status] as const),
  );

  it.each(cells)('when the owner asks to %s a %s case, then the table decides', (verb, status) => {
    // A new case has no owner yet; every later one is Alice's.
    const ticket = status === 'new' ? aCase() : ownedBy(status);
    const expected = EXPECTED_TRANSITIONS[verb]?.[status];
    const run = () => (VERBS[verb] as (t: TicketRecord) => decide.Change)(ticket);

    if (expected === undefined) {
      const error = refusal(run);
      expect(error.code).toBe('invalid_transition');
      expect(error.message).toContain(`it is ${status} (allowed from: `);
    } else {
      // A verb that leaves the status as it is (a hand-over offer, a rating) moves it nowhere.
      expect(run().to).toBe(expected === status ? undefined : expected);
    }
  });

  it('when a closed case is resolved, then the error names the verb and where it is allowed from', () => {
    expect(refusal(() => decide.resolve(ownedBy('closed'), alice, LATER, '')).message).toBe(
      'Cannot resolve case WO-2611-0001: it is closed (allowed from: claimed, in_progress, reopened)',
    );
    expect(refusal(() => decide.offerHandover(aCase(), alice, bob, LATER)).message).toMatch(
      /^Cannot hand over case WO-2611-0001: it is new/,
    );
  });
});

describe('first-inquiry responsibility', () => {
  it('when a colleague claims a held case, then they are told who holds it', () => {
    for (const status of ['claimed', 'in_progress'] as const) {
      const error = refusal(() => decide.claim(ownedBy(status), bob, LATER));
      expect(error).toMatchObject({ code: 'already_claimed' });
      expect(error.message).toBe('Case WO-2611-0001 is already claimed by Alice');
    }
  });

  it('when the first claim is made, then its maker owns the case and the acknowledge clock stops', () => {
    expect(decide.claim(aCase(), bob, LATER)).toEqual({
      action: 'claimed',
      to: 'claimed',
      set: { assignee: bob.id, assigneeName: 'Bob', acknowledgedAt: LATER },
    });
  });

  it('when a colleague works a case someone owns, then it is refused; a supervisor may', () => {
    const reopened = ownedBy('reopened');
    for (const run of [
      () => decide.claim(reopened, bob, LATER),
      () => decide.start(reopened, bob, LATER),
      () => decide.resolve(reopened, bob, LATER, ''),
      () => decide.offerHandover(reopened, bob, carol, LATER),
    ]) {
      const error = refusal(run);
      expect(error.code).toBe('not_owner');
      expect(error.message).toMatch(
        /belongs to Alice \(first-inquiry responsibility\); ask them to hand it over/,
      );
    }
    expect(decide.resolve(reopened, supervisor, LATER, '').set).toMatchObject({ resolvedAt: LATER });
    // Resolving does not take the case from its owner.
    expect(decide.resolve(reopened, supervisor, LATER, '').set).not.toHaveProperty('assignee');
  });

  it('when a hand-over is offered, accepted or declined, then only the colleague offered may answer', () => {
    const claimed = ownedBy('claimed');
    expect(refusal(() => decide.offerHandover(claimed, alice, alice, LATER)).code).toBe('invalid_handover');
    const offer = decide.offerHandover(claimed, supervisor, bob, LATER);
    expect(offer).toEqual({
      action: 'handover_offered',
      set: { pendingHandover: { from: supervisor.id, to: bob.id, toName: 'Bob', at: LATER } },
      note: 'to Bob',
    });
    const offered = ownedBy('claimed', {
      pendingHandover: offer.set?.pendingHandover as TicketRecord['pendingHandover'],
    });
    expect(refusal(() => decide.acceptHandover(offered, carol)).code).toBe('no_handover');
    expect(refusal(() => decide.declineHandover(claimed, bob)).code).toBe('no_handover');
    expect(decide.acceptHandover(offered, bob)).toEqual({
      action: 'handover_accepted',
      set: { assignee: bob.id, assigneeName: 'Bob', pendingHandover: null },
      note: 'from Alice',
    });
    expect(decide.declineHandover(offered, bob)).toEqual({
      action: 'handover_declined',
      set: { pendingHandover: null },
    });
  });
});

describe('summaries, return visits and reopening', () => {
  const complaint = (status: TicketStatus, overrides: Partial<TicketRecord> = {}) =>
    aCase({ status, assignee: alice.id, ...overrides }, { kind: 'complaint', intent: 'dissatisfaction' });
  const summary = { rootCause: ' rude guard ', correctiveAction: 'apology', preventiveAction: 'training' };

  it('when a summary is given, then it counts only with all three parts written, trimmed', () => {
    expect(decide.completeSummary(summary)).toEqual({ ...summary, rootCause: 'rude guard' });
    expect(decide.completeSummary({ ...summary, preventiveAction: '  ' })).toBeUndefined();
    expect(decide.completeSummary({ rootCause: 'a', correctiveAction: 'b' })).toBeUndefined();
    expect(decide.completeSummary(null)).toBeUndefined();
  });

  it('when a complaint closes, then it needs its summary, given now or when resolving; other cases do not', () => {
    expect(refusal(() => decide.close(complaint('resolved'), undefined, LATER)).code).toBe(
      'summary_required',
    );
    const worded = aCase({ status: 'resolved' }, { intent: 'dissatisfaction' });
    expect(refusal(() => decide.close(worded, undefined, LATER)).code).toBe('summary_required');
    expect(decide.close(complaint('resolved'), summary, LATER).set).toEqual({
      closedAt: LATER,
      summary: { ...summary, rootCause: 'rude guard' },
    });
    const kept = complaint('return_visit', {
      summary: { rootCause: 'a', correctiveAction: 'b', preventiveAction: 'c' },
    });
    expect(decide.close(kept, undefined, LATER).to).toBe('closed');
    expect(decide.close(ownedBy('resolved'), undefined, LATER).set).toEqual({ closedAt: LATER });
  });

  it('when the desk insists on a summary at resolving, then a complaint without one is refused', () => {
    const insist = { requireSummary: true };
    expect(refusal(() => decide.resolve(complaint('claimed'), alice, LATER, '', insist)).code).toBe(
      'summary_required',
    );
    expect(decide.resolve(ownedBy('claimed'), alice, LATER, '', insist).to).toBe('resolved');
    expect(decide.resolve(complaint('claimed'), alice, LATER, 'x', { ...insist, summary }).set).toMatchObject(
      {
        summary: { rootCause: 'rude guard' },
        pendingHandover: null,
      },
    );
  });

  it('when a return-visit rating is not a whole number from 1 to 5, then it is refused', () => {
    for (const rating of [0, 6, 3.5, Number.NaN])
      expect(refusal(() => decide.recordReturnVisit(ownedBy('resolved'), { rating }, LATER)).code).toBe(
        'invalid_rating',
      );
    expect(decide.recordReturnVisit(ownedBy('resolved'), { rating: 5, comment: 'quick' }, LATER).set).toEqual(
      {
        returnVisit: { rating: 5, comment: 'quick', at: LATER },
      },
    );
  });

  it('when a case is reopened, then its owner stays and the SLA starts a fresh round', () => {
    const closed = ownedBy('closed', {
      slaRound: 1,
      slaSteps: ['r1:acknowledge:warning'],
      escalationLevel: 2,
    });
    const change = decide.reopen(closed, 'the door jams again', LATER);
    expect(change).toMatchObject({ to: 'reopened', note: 'the door jams again' });
    expect(change.set).toEqual({
      closedAt: null,
      resolvedAt: null,
      pendingHandover: null,
      acknowledgedAt: null,
      slaStartedAt: LATER,
      slaRound: 2,
      slaSteps: [],
      escalationLevel: 0,
    });
  });
});

describe('messages, labels and the staff thread', () => {
  it('when a message with a key the case has is added again, then nothing changes', () => {
    const ticket = aCase();
    const message = followUp();
    expect(decide.addMessage(ticket, message)).toEqual({
      action: 'owner_message',
      set: { lastOwnerMessageAt: message.at },
      push: { messages: message },
      history: false,
    });
    expect(decide.addMessage({ ...ticket, messages: [...ticket.messages, message] }, message)).toBeNull();
    const late = { ...message, messageKey: 'telegram:0', at: new Date(T0.getTime() - MINUTE) };
    expect(decide.addMessage(ticket, late)?.set).toEqual({});
    expect(decide.addMessage(ticket, { ...message, from: 'staff' })).toMatchObject({
      action: 'staff_message',
      set: {},
    });
  });

  it('when labels are corrected, then priority follows; the same labels again change nothing', () => {
    const ticket = aCase();
    expect(decide.correctLabels(ticket, { intent: 'dissatisfaction', category: 'service_attitude' })).toEqual(
      {
        action: 'labels_corrected',
        set: { intent: 'dissatisfaction', category: 'service_attitude', priority: 'high' },
        note: 'help_seeking/equipment -> dissatisfaction/service_attitude',
      },
    );
    expect(decide.correctLabels(ticket, { intent: 'help_seeking', category: 'equipment' })).toBeNull();
    expect(refusal(() => decide.assertLabels({ intent: 'furious', category: 'equipment' })).code).toBe(
      'invalid_labels',
    );
  });

  it('when the same staff thread is set again, then nothing changes', () => {
    const thread = { channel: 'C_DESK', threadId: '1.2' };
    expect(decide.setStaffThread(aCase(), thread)).toMatchObject({
      set: { staffThread: thread },
      history: false,
    });
    expect(decide.setStaffThread(aCase({ staffThread: thread }), thread)).toBeNull();
  });
});

describe('classification of a case', () => {
  it.each([
    ['emergency', 'help_seeking', 'emergency', 'urgent'],
    ['complaint', 'consulting', 'dissatisfaction', 'high'],
    ['work_order', 'dissatisfaction', 'dissatisfaction', 'high'],
    ['work_order', 'help_seeking', 'help_seeking', 'normal'],
    ['consulting', 'consulting', 'consulting', 'normal'],
    ['suggestion', 'other', 'other', 'normal'],
  ] as const)(
    'when a %s is opened as %s, then its SLA class is %s and its priority %s',
    (kind, intent, slaClass, priority) => {
      expect(decide.slaClassOf(kind, intent)).toBe(slaClass);
      expect(decide.priorityOf({ kind, intent })).toBe(priority);
    },
  );
});

describe('SLA steps', () => {
  const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
  const complaint = (overrides: Partial<TicketRecord> = {}) =>
    aCase(overrides, { kind: 'complaint', intent: 'dissatisfaction' });

  it('when steps are due, then the oldest one not yet applied comes next, and escalations raise the level', () => {
    expect(decide.slaStep(complaint(), at(23), DEFAULT_SLA_POLICY)).toBeNull();
    expect(decide.slaStep(complaint(), at(65), DEFAULT_SLA_POLICY)).toMatchObject({
      action: 'sla_warning',
      set: {},
      push: { slaSteps: 'acknowledge:warning' },
      note: 'acknowledge:warning -> desk',
    });
    const warned = complaint({
      slaSteps: ['acknowledge:warning', 'acknowledge:escalation:1'],
      escalationLevel: 1,
    });
    expect(decide.slaStep(warned, at(65), DEFAULT_SLA_POLICY)).toMatchObject({
      action: 'sla_escalation',
      set: { escalationLevel: 2 },
      step: { key: 'acknowledge:escalation:2', target: 'supervisor', level: 2 },
    });
  });

  it('when the case is settled or acknowledged, then no step of that deadline is due', () => {
    for (const status of ['resolved', 'return_visit', 'closed'] as const)
      expect(decide.slaStep(complaint({ status }), at(48 * 60), DEFAULT_SLA_POLICY)).toBeNull();
    const claimed = complaint({ status: 'claimed', acknowledgedAt: at(1) });
    expect(decide.slaStep(claimed, at(19 * 60), DEFAULT_SLA_POLICY)).toBeNull();
    expect(decide.slaStep(claimed, at(24 * 60 - 1), DEFAULT_SLA_POLICY)?.step?.key).toBe('resolve:warning');
  });
});
