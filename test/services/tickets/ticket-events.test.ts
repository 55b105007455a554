import { ticketModels } from '../../../services/tickets/ticket-model';
import { useTestDatabase } from '../../support/database';
import { nextOrigin, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();

describe('applying logged events', () => {
  it('when an event is applied again after it landed, then its message is on the case once', async () => {
    const { Tickets, Events } = ticketModels(database().connection);
    const { tickets, openId } = ticketSetup(database().connection);
    const id = await openId();
    const messageKey = nextOrigin();
    await tickets.addOwnerMessage(id, { text: 'Still broken', messageKey, at: new Date() });
    const event = await Events.findById(`${id}:1`).lean();
    expect(event?.positions).toEqual({ messages: 1 });
    // A reader that saw version 0 rolls the same event forward after its winner wrote it.
    await Tickets.updateOne({ _id: id }, { $set: { version: 0 } });
    const caught = await tickets.get(id);
    expect(caught.version).toBe(1);
    expect(caught.messages.filter((m) => m.messageKey === messageKey)).toHaveLength(1);
  });

  it('when a case has an event logged before positions were recorded, then it is rolled forward by appending', async () => {
    const { Events } = ticketModels(database().connection);
    const { tickets, openId } = ticketSetup(database().connection);
    const id = await openId();
    const at = new Date('2026-11-22T02:05:00Z');
    await Events.create({
      _id: `${id}:1`,
      ticketId: id,
      seq: 1,
      at,
      actor: 'owner',
      action: 'owner_message',
      set: { lastOwnerMessageAt: at },
      push: { messages: { at, from: 'owner', text: 'Older format', messageKey: 'old:1', attachments: [] } },
    });
    const caught = await tickets.get(id);
    expect(caught.version).toBe(1);
    expect(caught.messages.map((m) => m.text)).toEqual(['The lift in building 3 is broken', 'Older format']);
  });
});
