import { MissingFieldsError } from '../../../services/tickets/ticket-service';
import { ticketModels } from '../../../services/tickets/ticket-model';
import { expectStoredAsSchemaWould, useTestDatabase } from '../../support/database';
import { alice, bob, driveTo, rejection, supervisor, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();
const setup = () => ticketSetup(database().connection);

describe('staff actions on a case', () => {
  it('when the same form is submitted twice, then it has one effect and the repeat reports the first', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    const first = await tickets.claim(id, alice, { actionId: 'claim-form-1' });
    const again = await tickets.claim(id, alice, { actionId: 'claim-form-1' });
    expect(again).toMatchObject({ type: 'claimed', seq: first.seq, repeated: true });

    await tickets.resolve(id, alice, 'Bulb replaced', { actionId: 'resolve-form-1' });
    const repeated = await tickets.resolve(id, alice, 'Bulb replaced', { actionId: 'resolve-form-1' });
    expect(repeated.repeated).toBe(true);
    const stored = await tickets.get(id);
    expect(stored.history.map((h) => `${h.action}:${h.actionId ?? ''}`)).toEqual([
      'received:',
      'claimed:claim-form-1',
      'resolved:resolve-form-1',
    ]);
  });

  it('when someone other than the holder writes to the owner, or before a claim, then it is refused; a supervisor may', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    expect((await rejection(tickets.addStaffMessage(id, alice, 'Hi', 'desk:1'))).code).toBe('not_held');
    await tickets.claim(id, alice);
    expect((await rejection(tickets.addStaffMessage(id, bob, 'Hi', 'desk:2'))).code).toBe('not_owner');
    expect(await tickets.addStaffMessage(id, alice, 'On our way', 'desk:3')).toBe(true);
    expect(await tickets.addStaffMessage(id, alice, 'On our way', 'desk:3')).toBe(false);
    expect(await tickets.addStaffMessage(id, supervisor, 'I will call too', 'desk:4')).toBe(true);
    const messages = (await tickets.get(id)).messages.slice(1);
    expect(messages.map((m) => `${m.from}:${m.by}:${m.text}`)).toEqual([
      'staff:U_ALICE:On our way',
      'staff:U_SAM:I will call too',
    ]);
  });

  it('when colleagues leave notes and the bot tells the owner something, then both are kept on the case once', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    expect(await tickets.addNote(id, bob, 'Parts ordered', 'note:1')).toBe(true);
    expect(await tickets.addNote(id, bob, 'Parts ordered', 'note:1')).toBe(false);
    expect((await rejection(tickets.addNote(id, bob, '  ', 'note:2'))).code).toBe('empty_note');
    expect(await tickets.addBotMessage(id, 'We received your repair request', 'reply:x:case')).toBe(true);
    expect(await tickets.addBotMessage(id, 'We received your repair request', 'reply:x:case')).toBe(false);
    const stored = await tickets.get(id);
    expect(stored.messages.map((m) => `${m.from}:${m.byName ?? ''}`)).toEqual(['owner:', 'note:Bob', 'bot:']);
    expect(stored.history).toHaveLength(1); // records, not steps of the method
    const { Tickets } = ticketModels(database().connection);
    await expectStoredAsSchemaWould(
      Tickets as never,
      await Tickets.collection.findOne({ reference: stored.reference }),
    );
  });

  it('when a resolution misses required parts, then each is named at once', async () => {
    const { openId, tickets } = setup();
    const id = await openId({ kind: 'complaint', intent: 'dissatisfaction', category: 'service_attitude' });
    await tickets.claim(id, alice);
    const refused = await rejection(
      tickets.resolve(id, alice, '', {
        requireResult: true,
        requireSummary: true,
        summary: { rootCause: 'x' },
      }),
    );
    expect(refused).toBeInstanceOf(MissingFieldsError);
    expect(refused.code).toBe('fields_required');
    expect((refused as MissingFieldsError).fields).toEqual([
      'result',
      'correctiveAction',
      'preventiveAction',
    ]);
  });

  it('when staff look for finished cases and an owner history, then they come newest first by indexed fields', async () => {
    const { openId, tickets, clock } = setup();
    const done = await openId({ ownerId: 'owner-h' });
    await driveTo(tickets, done, 'closed');
    clock.advance(60_000);
    const resolved = await openId({ ownerId: 'owner-h' });
    await driveTo(tickets, resolved, 'resolved');
    clock.advance(60_000);
    const open = await openId({ ownerId: 'owner-h' });

    const settled = (await tickets.settled(['2026Q4'])).map((t) => String(t._id));
    expect(settled.indexOf(resolved)).toBeLessThan(settled.indexOf(done));
    expect(settled).not.toContain(open);
    const history = await tickets.history({ ownerId: 'owner-h', identityKey: 'telegram:42' });
    expect(history.map((t) => String(t._id))).toEqual([open, resolved, done]);
  });
});
