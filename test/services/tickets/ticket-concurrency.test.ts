import { trusted } from '../../../services/database/connect';
import { DomainError } from '../../../services/errors';
import { ticketModels } from '../../../services/tickets/ticket-model';
import { useTestDatabase } from '../../support/database';
import { alice, bob, carol, nextOrigin, supervisor, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();

/** Two app instances on one database, as behind a load balancer. */
function twoInstances() {
  const setup = ticketSetup(database().connection);
  return { ...setup, other: setup.instance() };
}

describe('several app instances at once', () => {
  it('when staff on two instances claim the same cases at once, then exactly one owns each and the others are told who', async () => {
    const { openId, tickets, other } = twoInstances();
    const staff = [alice, bob, carol, { id: 'U_DAN', name: 'Dan' }, { id: 'U_EVE', name: 'Eve' }];
    for (let round = 0; round < 8; round++) {
      const id = await openId();

      const results = await Promise.allSettled(
        staff.map((member, index) => (index % 2 ? other : tickets).claim(id, member)),
      );

      const won = results.flatMap((r, index) => (r.status === 'fulfilled' ? [staff[index]!] : []));
      expect(won).toHaveLength(1);
      const winner = won[0]!;
      for (const result of results)
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(DomainError);
          expect(result.reason).toMatchObject({
            code: 'already_claimed',
            message: expect.stringContaining(`already claimed by ${winner.name}`),
          });
        }
      const stored = await tickets.get(id);
      expect(stored).toMatchObject({ status: 'claimed', assignee: winner.id, version: 1 });
      expect(stored.history.filter((h) => h.action === 'claimed')).toEqual([
        expect.objectContaining({ actor: winner.id }),
      ]);
    }
  });

  it('when the same message opens a case on both instances at once, then there is one case', async () => {
    const { open, other } = twoInstances();
    const origin = nextOrigin();
    const input = {
      kind: 'complaint',
      intent: 'dissatisfaction',
      category: 'service_attitude',
      origin,
      identityKey: 'telegram:race',
      verified: true,
      address: { channel: 'telegram', conversationId: 'race' },
      language: 'zh',
      text: '保安态度太差了',
    } as const;

    const results = await Promise.all([
      open(input),
      other.open(input),
      open(input),
      other.open(input),
      open(input),
    ]);

    expect(new Set(results.map((r) => String(r.ticket._id))).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ticketModels(database().connection).Tickets.countDocuments({ origin })).toBe(1);
  });

  it('when 50 cases open at once on two instances, then every reference is unique and readable', async () => {
    const { open, other, clock } = twoInstances();
    clock.set('2026-06-10T02:00:00Z'); // a month of its own in this file's database
    const input = () => ({
      kind: 'work_order' as const,
      intent: 'help_seeking' as const,
      category: 'equipment' as const,
      origin: nextOrigin(),
      identityKey: 'telegram:burst',
      verified: false,
      address: { channel: 'telegram' as const, conversationId: 'burst' },
      language: 'en' as const,
      text: 'The corridor light is out',
    });

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => (index % 2 ? other.open(input()) : open(input()))),
    );

    const references = results.map((r) => r.ticket.reference);
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(references).size).toBe(50);
    for (const reference of references) expect(reference).toMatch(/^WO-2606-\d{4}$/);
    const { Tickets } = ticketModels(database().connection);
    expect(await Tickets.countDocuments({ reference: trusted({ $in: references }) })).toBe(50);
    // The next case still gets a fresh number.
    const next = (await open()).ticket.reference;
    expect(references).not.toContain(next);
  });

  it('when a follow-up is delivered several times on both instances at once, then it is on the case once', async () => {
    const { openId, tickets, other, clock } = twoInstances();
    for (let round = 0; round < 5; round++) {
      const id = await openId();
      const message = { text: 'Still no water', messageKey: nextOrigin(), at: clock.now() };

      const added = await Promise.all(
        Array.from({ length: 6 }, (_, index) => (index % 2 ? other : tickets).addOwnerMessage(id, message)),
      );

      expect(added.filter(Boolean)).toHaveLength(1);
      const stored = await tickets.get(id);
      expect(stored.messages.filter((m) => m.messageKey === message.messageKey)).toHaveLength(1);
    }
  });

  it('when messages, a claim, a note, a staff thread and a correction land at once, then none of them is lost', async () => {
    const { openId, tickets, other, clock } = twoInstances();
    const id = await openId();
    const keys = Array.from({ length: 8 }, () => nextOrigin());

    await Promise.all([
      ...keys.map((messageKey, index) =>
        (index % 2 ? other : tickets).addOwnerMessage(id, {
          text: `message ${index}`,
          messageKey,
          at: clock.now(),
        }),
      ),
      other.claim(id, alice),
      tickets.setStaffThread(id, { channel: 'C_DESK', threadId: '1.2' }),
      other.correctLabels(id, supervisor, { intent: 'help_seeking', category: 'cleaning_greening' }),
      tickets.addNote(id, alice, 'On our way', 'note:race'),
    ]);

    const stored = await tickets.get(id);
    expect(stored.messages.map((m) => m.messageKey).sort()).toEqual(
      [stored.origin, ...keys, 'note:race'].sort(),
    );
    expect(stored).toMatchObject({
      status: 'claimed',
      assignee: alice.id,
      staffThread: { channel: 'C_DESK', threadId: '1.2' },
      category: 'cleaning_greening',
      version: 12,
    });
    expect(stored.history.map((h) => h.action).sort()).toEqual(['claimed', 'labels_corrected', 'received']);
    // Each change landed over its own version: the history's numbers rise and stay within the count.
    const seqs = stored.history.map((h) => h.seq);
    expect(seqs[0]).toBe(0);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(Math.max(...seqs)).toBeLessThanOrEqual(12);
  });

  it('when the same correction is sent three times at once, then it is recorded once', async () => {
    const { openId, tickets, other } = twoInstances();
    const id = await openId();
    const labels = { intent: 'consulting', category: 'fees' };

    const results = await Promise.all([
      tickets.correctLabels(id, bob, labels),
      other.correctLabels(id, bob, labels),
      tickets.correctLabels(id, bob, labels),
    ]);

    expect(new Set(results.map((r) => JSON.stringify(r.correction))).size).toBe(1);
    expect((await tickets.get(id)).history.filter((h) => h.action === 'labels_corrected')).toHaveLength(1);
  });
});
