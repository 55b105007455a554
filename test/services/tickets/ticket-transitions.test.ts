import { TICKET_STATUSES } from '../../../services/tickets/ticket-model';
import type { TicketService } from '../../../services/tickets/ticket-service';
import { useTestDatabase } from '../../support/database';
import {
  alice,
  bob,
  driveTo,
  EXPECTED_TRANSITIONS,
  MINUTE,
  rejection,
  supervisor,
  ticketSetup,
} from './ticket-fixtures';

const database = useTestDatabase();
const setup = () => ticketSetup(database().connection);

const EXPECTED = EXPECTED_TRANSITIONS;

const VERBS: Record<string, (tickets: TicketService, id: string) => Promise<unknown>> = {
  claim: (t, id) => t.claim(id, alice),
  start: (t, id) => t.start(id, alice),
  resolve: (t, id) => t.resolve(id, alice, 'done'),
  startReturnVisit: (t, id) => t.startReturnVisit(id, 'schedule'),
  close: (t, id) => t.close(id, alice.id),
  reopen: (t, id) => t.reopen(id, 'owner', 'again'),
  offerHandover: (t, id) => t.offerHandover(id, alice, bob),
  recordReturnVisit: (t, id) => t.recordReturnVisit(id, { rating: 4 }),
};

// Every status the model knows, not a copy of the list: a status added later shows up here
// (and fails until driveTo can reach it and EXPECTED says what each verb does from it).
const cases = Object.keys(EXPECTED).flatMap((verb) =>
  TICKET_STATUSES.map((status) => [verb, status] as const),
);

describe('the state machine', () => {
  it.each(cases)(
    'when the owner tries %s on a %s case, then it is allowed or refused as the table says',
    async (verb, status) => {
      const { openId, tickets } = setup();
      const id = await openId();
      await driveTo(tickets, id, status);
      const before = await tickets.get(id);
      const expected = EXPECTED[verb]?.[status];

      const attempt = (VERBS[verb] as (t: TicketService, id: string) => Promise<unknown>)(tickets, id);

      if (expected) {
        await attempt;
        const after = await tickets.get(id);
        expect(after.status).toBe(expected);
        expect(after.history).toHaveLength(before.history.length + 1);
        expect(after.history.at(-1)).toMatchObject({
          actor: expect.any(String),
          from: expected === status ? '' : status,
        });
      } else {
        const error = await rejection(attempt);
        expect(error.code).toBe('invalid_transition');
        expect(error.message).toContain(`it is ${status}`);
        const after = await tickets.get(id);
        expect(after.status).toBe(status);
        expect(after.history).toHaveLength(before.history.length);
      }
    },
  );

  it('when a closed case is resolved, then the error says so and lists where resolving is allowed from', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await driveTo(tickets, id, 'closed');
    const { reference } = await tickets.get(id);
    const error = await rejection(tickets.resolve(id, alice));
    expect(error.message).toBe(
      `Cannot resolve case ${reference}: it is closed (allowed from: claimed, in_progress, reopened)`,
    );
  });
});

describe('the method from receipt to summary', () => {
  it('when a case goes through every step, then each verb returns its event and history records actor, time and states', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    const t0 = clock.now().getTime();
    const events = [];
    clock.advance(MINUTE);
    events.push(await tickets.claim(id, alice));
    clock.advance(MINUTE);
    events.push(await tickets.start(id, alice));
    clock.advance(MINUTE);
    events.push(await tickets.resolve(id, alice, 'replaced the door motor'));
    clock.advance(MINUTE);
    events.push(await tickets.startReturnVisit(id, 'schedule'));
    clock.advance(MINUTE);
    events.push(await tickets.recordReturnVisit(id, { rating: 5, comment: 'quick' }));
    clock.advance(MINUTE);
    events.push(await tickets.close(id, alice.id));

    expect(events.map((e) => [e.type, e.actor, e.seq])).toEqual([
      ['claimed', alice.id, 1],
      ['started', alice.id, 2],
      ['resolved', alice.id, 3],
      ['return_visit', 'schedule', 4],
      ['return_visit_recorded', 'owner', 5],
      ['closed', alice.id, 6],
    ]);
    const closed = events.at(-1)!.ticket;
    expect(closed).toMatchObject({
      status: 'closed',
      assignee: alice.id,
      assigneeName: 'Alice',
      acknowledgedAt: new Date(t0 + MINUTE),
      resolvedAt: new Date(t0 + 3 * MINUTE),
      closedAt: new Date(t0 + 6 * MINUTE),
      returnVisit: { rating: 5, comment: 'quick', at: new Date(t0 + 5 * MINUTE) },
    });
    expect(closed.history.map((h) => [h.action, h.actor, h.from, h.to, h.at.getTime() - t0])).toEqual([
      ['received', 'bot', '', 'new', 0],
      ['claimed', alice.id, 'new', 'claimed', MINUTE],
      ['started', alice.id, 'claimed', 'in_progress', 2 * MINUTE],
      ['resolved', alice.id, 'in_progress', 'resolved', 3 * MINUTE],
      ['return_visit', 'schedule', 'resolved', 'return_visit', 4 * MINUTE],
      ['return_visit_recorded', 'owner', '', '', 5 * MINUTE],
      ['closed', alice.id, 'return_visit', 'closed', 6 * MINUTE],
    ]);
    expect(closed.history[3]?.note).toBe('replaced the door motor');
  });

  it('when a return-visit rating is not 1 to 5, then it is refused', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await driveTo(tickets, id, 'return_visit');
    for (const rating of [0, 6, 3.5, Number.NaN])
      expect((await rejection(tickets.recordReturnVisit(id, { rating }))).code).toBe('invalid_rating');
    expect((await tickets.get(id)).returnVisit.rating).toBeNull();
  });

  it('when a complaint closes without its summary, then it is refused; with all three parts it closes', async () => {
    const { openId, tickets } = setup();
    const id = await openId({ kind: 'complaint', intent: 'dissatisfaction', category: 'service_attitude' });
    await tickets.claim(id, alice);
    await tickets.resolve(id, alice);

    expect((await rejection(tickets.close(id, alice.id))).code).toBe('summary_required');
    const partial = await rejection(
      tickets.close(id, alice.id, { rootCause: 'rude guard', correctiveAction: 'apologised' }),
    );
    expect(partial.code).toBe('summary_required');
    expect(partial.message).toMatch(/root cause, corrective action and preventive action/);
    const blank = { rootCause: 'rude guard', correctiveAction: 'apologised', preventiveAction: '   ' };
    expect((await rejection(tickets.close(id, alice.id, blank))).code).toBe('summary_required');
    expect((await tickets.get(id)).status).toBe('resolved');

    const closed = await tickets.close(id, alice.id, {
      rootCause: ' guard shouted at the owner ',
      correctiveAction: 'apology visit by the supervisor',
      preventiveAction: 'de-escalation training for the night shift',
    });
    expect(closed.ticket).toMatchObject({
      status: 'closed',
      summary: {
        rootCause: 'guard shouted at the owner',
        correctiveAction: 'apology visit by the supervisor',
        preventiveAction: 'de-escalation training for the night shift',
      },
    });
  });

  it('when a repair request was worded as dissatisfaction, then it needs a summary to close as a complaint does', async () => {
    const { openId, tickets } = setup();
    const id = await openId({ intent: 'dissatisfaction' });
    await tickets.claim(id, alice);
    await tickets.resolve(id, alice);
    expect((await rejection(tickets.close(id, alice.id))).code).toBe('summary_required');
  });

  it('when the summary was given on resolving, then the complaint closes without repeating it; the desk may insist on it', async () => {
    const { openId, tickets } = setup();
    const id = await openId({ kind: 'complaint', intent: 'dissatisfaction' });
    await tickets.claim(id, alice);
    expect((await rejection(tickets.resolve(id, alice, '', { requireSummary: true }))).code).toBe(
      'summary_required',
    );
    const summary = { rootCause: 'a', correctiveAction: 'b', preventiveAction: 'c' };
    await tickets.resolve(id, alice, '', { summary, requireSummary: true });
    expect((await tickets.close(id, 'schedule')).ticket).toMatchObject({ status: 'closed', summary });
  });

  it('when a closed case is reopened, then its owner keeps it and claims it again; nobody else may', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    await driveTo(tickets, id, 'closed');
    clock.advance(3 * 24 * 60 * MINUTE);

    const reopened = await tickets.reopen(id, 'owner', 'the door jams again');

    expect(reopened).toMatchObject({ type: 'reopened', actor: 'owner' });
    expect(reopened.ticket).toMatchObject({
      status: 'reopened',
      assignee: alice.id,
      closedAt: null,
      resolvedAt: null,
      acknowledgedAt: null,
    });
    expect(reopened.ticket.history.at(-1)).toMatchObject({
      from: 'closed',
      to: 'reopened',
      note: 'the door jams again',
    });
    const refused = await rejection(tickets.claim(id, bob));
    expect(refused.code).toBe('not_owner');
    expect(refused.message).toContain('belongs to Alice');
    expect((await tickets.claim(id, alice)).ticket).toMatchObject({
      status: 'claimed',
      acknowledgedAt: clock.now(),
    });
  });

  it('when a supervisor steps in, then they may work a case someone else owns', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);
    const resolved = await tickets.resolve(id, supervisor, 'done by the supervisor');
    expect(resolved).toMatchObject({
      actor: supervisor.id,
      ticket: { status: 'resolved', assignee: alice.id },
    });
  });
});
