import { useTestDatabase } from '../../support/database';
import { alice, bob, carol, rejection, supervisor, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();
const setup = () => ticketSetup(database().connection);

describe('first-inquiry responsibility', () => {
  it('when a colleague tries to take or work a claimed case, then they are told whose it is', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);

    const claim = await rejection(tickets.claim(id, bob));
    expect(claim.code).toBe('already_claimed');
    expect(claim.message).toMatch(/already claimed by Alice/);
    const attempts = [
      () => tickets.start(id, bob),
      () => tickets.resolve(id, bob),
      () => tickets.offerHandover(id, bob, carol),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt());
      expect(error.code).toBe('not_owner');
      expect(error.message).toMatch(
        /belongs to Alice \(first-inquiry responsibility\); ask them to hand it over before you (start|resolve|hand over) it/,
      );
    }
    await tickets.start(id, alice);
    expect((await rejection(tickets.claim(id, bob))).code).toBe('already_claimed');
    expect(await tickets.get(id)).toMatchObject({ status: 'in_progress', assignee: alice.id });
  });

  it('when the owner offers a hand-over, then the case stays theirs until the colleague accepts', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    await tickets.claim(id, alice);

    const offered = await tickets.offerHandover(id, alice, bob);
    expect(offered).toMatchObject({
      type: 'handover_offered',
      actor: alice.id,
      ticket: {
        assignee: alice.id,
        pendingHandover: { from: alice.id, to: bob.id, toName: 'Bob', at: clock.now() },
      },
    });
    expect((await rejection(tickets.resolve(id, bob))).code).toBe('not_owner');
    expect((await rejection(tickets.acceptHandover(id, carol))).code).toBe('no_handover');

    const accepted = await tickets.acceptHandover(id, bob);
    expect(accepted).toMatchObject({
      type: 'handover_accepted',
      actor: bob.id,
      ticket: { assignee: bob.id, assigneeName: 'Bob', pendingHandover: null, status: 'claimed' },
    });
    expect((await rejection(tickets.start(id, alice))).code).toBe('not_owner');
    expect((await tickets.resolve(id, bob)).ticket.status).toBe('resolved');
    expect((await rejection(tickets.acceptHandover(id, bob))).code).toBe('no_handover');
  });

  it('when the colleague declines, then the owner keeps the case and can offer again', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);
    await tickets.offerHandover(id, alice, bob);

    const declined = await tickets.declineHandover(id, bob);
    expect(declined).toMatchObject({
      type: 'handover_declined',
      ticket: { assignee: alice.id, pendingHandover: null },
    });
    expect((await rejection(tickets.acceptHandover(id, bob))).code).toBe('no_handover');
    expect((await rejection(tickets.declineHandover(id, bob))).code).toBe('no_handover');

    await tickets.offerHandover(id, alice, bob);
    await tickets.acceptHandover(id, bob);
    const actions = (await tickets.get(id)).history.map((h) => `${h.action}:${h.actor}:${h.note}`);
    expect(actions).toEqual([
      'received:bot:',
      'claimed:U_ALICE:',
      'handover_offered:U_ALICE:to Bob',
      'handover_declined:U_BOB:',
      'handover_offered:U_ALICE:to Bob',
      'handover_accepted:U_BOB:from Alice',
    ]);
  });

  it('when a hand-over is offered to the owner themselves or on an unclaimed case, then it is refused', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    expect((await rejection(tickets.offerHandover(id, alice, bob))).code).toBe('invalid_transition');
    await tickets.claim(id, alice);
    expect((await rejection(tickets.offerHandover(id, alice, alice))).code).toBe('invalid_handover');
  });

  it('when the case is resolved while a hand-over waits, then the offer lapses', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);
    await tickets.offerHandover(id, alice, bob);
    await tickets.resolve(id, alice);
    expect((await tickets.get(id)).pendingHandover).toBeNull();
    expect((await rejection(tickets.acceptHandover(id, bob))).code).toBe('no_handover');
  });

  it('when the owner is away, then a supervisor may hand the case over for them', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);
    await tickets.offerHandover(id, supervisor, bob);
    expect((await tickets.acceptHandover(id, bob)).ticket.assignee).toBe(bob.id);
  });
});
