import { AppError } from '../../../services/errors';
import { ticketModels } from '../../../services/tickets/ticket-model';
import type { OpenTicketInput } from '../../../services/tickets/ticket-service';
import { useTestDatabase } from '../../support/database';
import {
  alice,
  bob,
  HOUR,
  MINUTE,
  nextOrigin,
  REPAIR_REQUEST,
  rejection,
  ticketSetup,
} from './ticket-fixtures';

const database = useTestDatabase();
const setup = () => ticketSetup(database().connection);

describe('opening a case', () => {
  it('when an owner reports a fault, then the case is new, stored with every field, and "received" is returned', async () => {
    const { open, clock } = setup();
    const origin = nextOrigin();

    const { ticket, created, event } = await open({
      origin,
      ownerId: '6740a1b2c3d4e5f601234567',
      building: '5',
      unit: '2-1203',
      text: '  The lift in building 3\n is   broken  ',
      attachments: [{ kind: 'photo', reference: 'file-1' }],
    });

    expect(created).toBe(true);
    expect(event).toMatchObject({ type: 'received', actor: 'bot', seq: 0, ticket: { _id: ticket._id } });
    expect(ticket).toMatchObject({
      reference: expect.stringMatching(/^WO-2611-\d{4}$/),
      origin,
      kind: 'work_order',
      intent: 'help_seeking',
      category: 'equipment',
      emergencyKind: '',
      priority: 'normal',
      ownerId: '6740a1b2c3d4e5f601234567',
      verified: true,
      address: { channel: 'telegram', conversationId: '42', threadId: '' },
      language: 'en',
      building: '5',
      unit: '2-1203',
      title: 'The lift in building 3 is broken',
      status: 'new',
      assignee: '',
      pendingHandover: null,
      summary: null,
      staffThread: null,
      acknowledgedAt: null,
      closedAt: null,
      returnVisit: { rating: null, comment: '', at: null },
      quarter: '2026Q4',
      month: '2026-11',
      createdAt: clock.now(),
    });
    expect(ticket.messages).toEqual([
      {
        at: clock.now(),
        from: 'owner',
        text: '  The lift in building 3\n is   broken  ',
        messageKey: origin,
        attachments: [{ kind: 'photo', reference: 'file-1' }],
        by: '',
        byName: '',
      },
    ]);
    expect(ticket.history).toEqual([
      { seq: 0, at: clock.now(), actor: 'bot', action: 'received', from: '', to: 'new', note: '' },
    ]);
  });

  it('when someone unknown reports, then the case is opened unverified with no owner', async () => {
    const { open } = setup();
    const { ticket } = await open({ verified: false, identityKey: 'wechat:stranger' });
    expect(ticket).toMatchObject({ verified: false, ownerId: '', identityKey: 'wechat:stranger' });
  });

  it.each([
    ['work_order', 'help_seeking', 'WO', 'normal'],
    ['complaint', 'dissatisfaction', 'CP', 'high'],
    ['consulting', 'consulting', 'CS', 'normal'],
    ['suggestion', 'other', 'SG', 'normal'],
    ['emergency', 'help_seeking', 'EM', 'urgent'],
  ] as const)(
    'when a %s opens, then its reference starts %s and its priority is %s',
    async (kind, intent, prefix, priority) => {
      const { open } = setup();
      const { ticket } = await open({
        kind,
        intent,
        ...(kind === 'emergency' ? { emergencyKind: 'fire' } : {}),
      });
      expect(ticket.reference).toMatch(new RegExp(`^${prefix}-2611-\\d{4}$`));
      expect(ticket.priority).toBe(priority);
    },
  );

  it('when a repair request is worded as dissatisfaction, then it is high priority like a complaint', async () => {
    const { open } = setup();
    expect((await open({ intent: 'dissatisfaction' })).ticket).toMatchObject({
      priority: 'high',
      slaClass: 'dissatisfaction',
    });
  });

  it('when it is already the 1st of the month in Shanghai but not in UTC, then the reference and report keys use Shanghai', async () => {
    const { open, clock } = setup();
    clock.set('2026-11-30T17:30:00Z'); // 01:30 on 1 December in Shanghai
    const { ticket } = await open({ kind: 'consulting', intent: 'consulting' });
    expect(ticket).toMatchObject({ month: '2026-12', quarter: '2026Q4' });
    expect(ticket.reference).toBe('CS-2612-0001');
    clock.set('2026-12-31T16:00:00Z'); // New Year in Shanghai
    const next = await open({ kind: 'consulting', intent: 'consulting' });
    expect(next.ticket).toMatchObject({ reference: 'CS-2701-0001', month: '2027-01', quarter: '2027Q1' });
  });

  it('when the same message opens a case again, then the first case is returned, not created', async () => {
    const { open } = setup();
    const origin = nextOrigin();
    const first = await open({ origin });
    const again = await open({ origin, text: 'something else' });
    expect(again.created).toBe(false);
    expect(String(again.ticket._id)).toBe(String(first.ticket._id));
    expect(again.ticket.title).toBe('The lift in building 3 is broken');
  });

  it('when an opening is retried after its case was stored, then it returns that case and uses up no number', async () => {
    const { open, clock } = setup();
    clock.set('2025-03-05T02:00:00Z');
    const origin = nextOrigin();

    const first = await open({ origin });
    const again = await open({ origin });

    expect(first.ticket.reference).toBe('WO-2503-0001');
    expect(again).toMatchObject({ created: false, ticket: { reference: 'WO-2503-0001' } });
    expect((await open()).ticket.reference).toBe('WO-2503-0002');
  });

  it("when an opening says it is the message's first handling, then it looks for no earlier case; one found after all is still the same case", async () => {
    const { tickets, clock } = setup();
    clock.set('2025-05-05T02:00:00Z');
    const input = { ...REPAIR_REQUEST, origin: nextOrigin() };

    const first = await tickets.open(input, { firstAttempt: true });
    // Not really the first: the stored case is found by its unique origin, at the cost of a number.
    const again = await tickets.open(input, { firstAttempt: true });

    expect(first).toMatchObject({ created: true, ticket: { reference: 'WO-2505-0001' } });
    expect(again).toMatchObject({ created: false, ticket: { reference: 'WO-2505-0001' } });
    expect(String(again.ticket._id)).toBe(String(first.ticket._id));
    const { Tickets } = ticketModels(database().connection);
    expect(await Tickets.countDocuments({ origin: input.origin })).toBe(1);
    // The repeat drew a number before its insert was refused: it did not look first.
    const next = await tickets.open({ ...REPAIR_REQUEST, origin: nextOrigin() });
    expect(next.ticket.reference).toBe('WO-2505-0003');
  });

  it("when a case is opened with the bot's first reply, then the reply is in the case's insert and names the reference it got", async () => {
    const { open, tickets, clock } = setup();
    clock.set('2025-06-05T02:00:00Z');
    await open();
    await open();
    // A counter behind the stored cases: the first number drawn is taken, the reply names the next.
    await ticketModels(database().connection).Counters.deleteOne({ _id: 'WO-2506' });
    const botReply = (draft: { reference: string }) => ({
      text: `Case ${draft.reference} received`,
      messageKey: 'reply:first',
    });

    const { ticket } = await tickets.open({ ...REPAIR_REQUEST, origin: nextOrigin() }, { botReply });

    const stored = await tickets.get(String(ticket._id));
    expect(stored.reference).toBe('WO-2506-0003');
    expect(stored.messages.map((m) => [m.from, m.text, m.messageKey])).toEqual([
      ['owner', REPAIR_REQUEST.text, stored.origin],
      ['bot', 'Case WO-2506-0003 received', 'reply:first'],
    ]);
    expect(stored.version).toBe(0);
    // Keeping the same reply again (the recording outbox) adds nothing.
    expect(await tickets.addBotMessage(String(ticket._id), 'Case WO-2506-0003 received', 'reply:first')).toBe(
      false,
    );
    expect((await tickets.get(String(ticket._id))).messages).toHaveLength(2);
  });

  it("when the month's counter is behind the stored cases (lost, or restored from an older backup), then the opening takes the next free number", async () => {
    const { open, clock } = setup();
    clock.set('2025-04-05T02:00:00Z');
    const earlier = [await open(), await open()];
    const { Counters, Tickets } = ticketModels(database().connection);
    await Counters.deleteOne({ _id: 'WO-2504' });

    const { ticket, created } = await open();

    expect(created).toBe(true);
    expect([...earlier.map((opened) => opened.ticket.reference), ticket.reference]).toEqual([
      'WO-2504-0001',
      'WO-2504-0002',
      'WO-2504-0003',
    ]);
    expect((await open()).ticket.reference).toBe('WO-2504-0004');
    expect(await Tickets.countDocuments({ month: '2025-04' })).toBe(4);
  });

  it('when only a photo is sent, then the title says so', async () => {
    const { open } = setup();
    const { ticket } = await open({ text: ' ', attachments: [{ kind: 'photo', reference: 'p' }] });
    expect(ticket.title).toBe('(attachment)');
  });

  it('when the dialog passes bad values, then every problem is named at once and nothing is stored', async () => {
    const { open } = setup();
    const origin = nextOrigin();
    const error = await open({
      origin,
      kind: 'repair' as OpenTicketInput['kind'],
      intent: 'angry',
      category: 'lifts',
      emergencyKind: 'earthquake',
      language: 'fr' as OpenTicketInput['language'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'ticket_input_invalid' });
    const message = (error as Error).message;
    for (const part of [
      'kind must be',
      'intent must be',
      'category must be',
      'emergencyKind must be',
      'language must be',
    ])
      expect(message).toContain(part);
    expect(await ticketModels(database().connection).Tickets.countDocuments({ origin })).toBe(0);
  });
});

describe('finding cases', () => {
  it('when a case is looked up by its reference in any case and spacing, then it is found; an unknown one is undefined', async () => {
    const { open, tickets } = setup();
    const { ticket } = await open();
    expect(String((await tickets.getByReference(` ${ticket.reference.toLowerCase()} `))?._id)).toBe(
      String(ticket._id),
    );
    expect(await tickets.getByReference('WO-1901-9999')).toBeUndefined();
  });

  it('when an id does not exist or is not an id, then get says ticket_not_found', async () => {
    const { tickets } = setup();
    expect((await rejection(tickets.get('6740a1b2c3d4e5f601234567'))).code).toBe('ticket_not_found');
    expect((await rejection(tickets.get('not-an-id'))).code).toBe('ticket_not_found');
  });

  it('when an owner writes from two channels, then their open cases are listed newest first and closed ones left out', async () => {
    const { open, tickets, clock } = setup();
    const ownerId = '6740a1b2c3d4e5f60123aaaa';
    const older = await open({ identityKey: 'telegram:list-1', ownerId });
    clock.advance(MINUTE);
    const closed = await open({ identityKey: 'telegram:list-1', ownerId });
    clock.advance(MINUTE);
    const fromWeChat = await open({ identityKey: 'wechat:list-1', ownerId });
    clock.advance(MINUTE);
    const unverified = await open({ identityKey: 'telegram:list-1' });
    const closedId = String(closed.ticket._id);
    await tickets.claim(closedId, alice);
    await tickets.resolve(closedId, alice);
    await tickets.close(closedId, alice.id);

    const ids = (list: Array<{ _id: unknown }>) => list.map((t) => String(t._id));
    expect(ids(await tickets.listOpen('telegram:list-1', ownerId))).toEqual(
      ids([unverified.ticket, fromWeChat.ticket, older.ticket]),
    );
    expect(ids(await tickets.listOpen('telegram:list-1'))).toEqual(ids([unverified.ticket, older.ticket]));
  });

  it('when the desk posts the escalation, then the case is found by its staff thread', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.setStaffThread(id, { channel: 'C_DESK', threadId: '1732240000.000100' });
    await tickets.setStaffThread(id, { channel: 'C_DESK', threadId: '1732240000.000100' });

    expect(String((await tickets.byStaffThread('C_DESK', '1732240000.000100'))?._id)).toBe(id);
    expect(await tickets.byStaffThread('C_OTHER', '1732240000.000100')).toBeUndefined();
    expect((await tickets.get(id)).history).toHaveLength(1); // not a step of the method
  });

  it('when the queue is read, then urgent cases come first, then high, then the oldest', async () => {
    const { open, tickets, clock } = setup();
    clock.set('2020-01-01T00:00:00Z'); // older than every other case in this file's database
    const normal = await open();
    clock.advance(MINUTE);
    const complaint = await open({ kind: 'complaint', intent: 'dissatisfaction' });
    clock.advance(MINUTE);
    const emergency = await open({ kind: 'emergency', emergencyKind: 'gas' });
    const queue = (await tickets.queue(500)).map((t) => String(t._id));
    const positions = [emergency, complaint, normal].map(({ ticket }) => queue.indexOf(String(ticket._id)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('follow-ups and replies', () => {
  it('when the owner adds a message, then it is appended once, however often it is delivered', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    clock.advance(5 * MINUTE);
    const message = { text: 'It is stuck on floor 7', messageKey: nextOrigin(), at: clock.now() };

    expect(await tickets.addOwnerMessage(id, message)).toBe(true);
    expect(await tickets.addOwnerMessage(id, message)).toBe(false);

    const stored = await tickets.get(id);
    expect(stored.messages.map((m) => [m.from, m.text])).toEqual([
      ['owner', 'The lift in building 3 is broken'],
      ['owner', 'It is stuck on floor 7'],
    ]);
    expect(stored.lastOwnerMessageAt).toEqual(clock.now());
    expect(stored.history).toHaveLength(1);
  });

  it('when a late delivery of an older message arrives, then it is kept but does not move lastOwnerMessageAt back', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    clock.advance(10 * MINUTE);
    await tickets.addOwnerMessage(id, { text: 'newer', messageKey: nextOrigin(), at: clock.now() });
    await tickets.addOwnerMessage(id, {
      text: 'older',
      messageKey: nextOrigin(),
      at: new Date(clock.now().getTime() - 5 * MINUTE),
    });
    const stored = await tickets.get(id);
    expect(stored.messages).toHaveLength(3);
    expect(stored.lastOwnerMessageAt).toEqual(clock.now());
  });

  it('when staff reply, then the reply is kept once per reply key', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    await tickets.claim(id, alice);
    expect(await tickets.addStaffMessage(id, alice, 'A technician is on the way', 'staff-reply:1')).toBe(
      true,
    );
    expect(await tickets.addStaffMessage(id, alice, 'A technician is on the way', 'staff-reply:1')).toBe(
      false,
    );
    expect((await tickets.get(id)).messages.filter((m) => m.from === 'staff')).toEqual([
      expect.objectContaining({ text: 'A technician is on the way', messageKey: 'staff-reply:1' }),
    ]);
  });
});

describe('label corrections', () => {
  it('when staff correct the labels, then the case takes them and the correction for the classifier is returned', async () => {
    const { open, tickets, clock } = setup();
    const { ticket } = await open({ text: 'Nobody ever answers the phone at the office!' });
    const id = String(ticket._id);
    await tickets.addOwnerMessage(id, { text: 'Hello??', messageKey: nextOrigin(), at: clock.now() });
    clock.advance(MINUTE);

    const event = await tickets.correctLabels(id, bob, {
      intent: 'dissatisfaction',
      category: 'service_attitude',
    });

    expect(event).toMatchObject({
      type: 'labels_corrected',
      actor: bob.id,
      ticket: { intent: 'dissatisfaction', category: 'service_attitude', priority: 'high' },
    });
    expect(event.correction).toEqual({
      text: 'Nobody ever answers the phone at the office!',
      intent: 'dissatisfaction',
      category: 'service_attitude',
      staffId: bob.id,
      ticketId: id,
      at: clock.now(),
    });
    expect(event.ticket.history.at(-1)).toMatchObject({
      action: 'labels_corrected',
      actor: bob.id,
      note: 'help_seeking/equipment -> dissatisfaction/service_attitude',
    });
  });

  it('when the same correction is made again, then nothing more is recorded and the same correction comes back', async () => {
    const { openId, tickets, clock } = setup();
    const id = await openId();
    const first = await tickets.correctLabels(id, bob, { intent: 'consulting', category: 'fees' });
    clock.advance(HOUR);
    const again = await tickets.correctLabels(id, bob, { intent: 'consulting', category: 'fees' });
    expect(again.correction).toEqual(first.correction);
    expect(again.ticket.history.filter((h) => h.action === 'labels_corrected')).toHaveLength(1);
  });

  it('when the labels are not ones the classifier knows, then the correction is refused', async () => {
    const { openId, tickets } = setup();
    const id = await openId();
    const error = await rejection(
      tickets.correctLabels(id, bob, { intent: 'furious', category: 'equipment' }),
    );
    expect(error.code).toBe('invalid_labels');
    expect((await tickets.get(id)).intent).toBe('help_seeking');
  });
});

describe('cases stored by an earlier release', () => {
  it('when a case carries the version and history an earlier release left, then changes continue from its version', async () => {
    const { openId, tickets, instance, clock } = setup();
    const id = await openId();
    const { Tickets } = ticketModels(database().connection);
    // An earlier release numbered every change too; this case was claimed as its third.
    await Tickets.updateOne(
      { _id: id },
      {
        $set: {
          status: 'claimed',
          assignee: alice.id,
          assigneeName: 'Alice',
          acknowledgedAt: clock.now(),
          version: 3,
        },
        $push: {
          history: {
            seq: 3,
            at: clock.now(),
            actor: alice.id,
            action: 'claimed',
            from: 'new',
            to: 'claimed',
            note: '',
          },
        },
      },
    );

    expect((await rejection(instance().claim(id, bob))).message).toContain('already claimed by Alice');
    const started = await tickets.start(id, alice);

    expect(started).toMatchObject({ seq: 4, ticket: { status: 'in_progress', version: 4 } });
    expect(started.ticket.history.map((h) => [h.action, h.seq])).toEqual([
      ['received', 0],
      ['claimed', 3],
      ['started', 4],
    ]);
    expect(await tickets.get(id)).toMatchObject({ status: 'in_progress', version: 4 });
  });
});
