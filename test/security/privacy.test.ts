import { runOwnersForget } from '../../services/privacy/forget-command';
import { createRetentionPurge } from '../../services/privacy/retention';
import { maskPhonesInText } from '../../services/privacy/phone-mask';
import { createCoreHarness } from '../support/core-harness';
import { useTestDatabase } from '../support/database';
import { captureOutput } from '../support/output';

const database = useTestDatabase();

const OWNERS = [
  'name,building,unit,phone,language',
  'Alice Smith,8,1501,+86 139 0000 1111,en',
  'Bob Jones,8,1502,+86 139 0000 2222,en',
].join('\n');

/** Every document of every collection as JSON, to search for what must be gone. */
async function everything(): Promise<string> {
  const db = database().connection.db;
  if (!db) throw new Error('not connected');
  const parts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    parts.push(`${name}: ${JSON.stringify(docs)}`);
  }
  return parts.join('\n');
}

async function countsByQuarterAndCategory() {
  return database()
    .connection.collection('tickets')
    .aggregate([
      { $group: { _id: { quarter: '$quarter', category: '$category', kind: '$kind' }, n: { $sum: 1 } } },
      { $sort: { '_id.quarter': 1, '_id.category': 1, '_id.kind': 1 } },
    ])
    .toArray();
}

describe('owners forget', () => {
  it('when an owner is forgotten, then their personal data and words are gone everywhere, statistics stay, and a second run changes nothing', async () => {
    const core = createCoreHarness(database().connection);
    await core.owners.importCsv(OWNERS);
    for (const [from, unit, digits] of [
      ['alice', '8-1501', '1111'],
      ['bob', '8-1502', '2222'],
    ] as const) {
      await core.send('bind', { from });
      await core.send(unit, { from });
      await core.send(digits, { from });
    }
    const alice = await core.owners.identityByKey('telegram:alice');
    expect(alice?.verified).toBe(true);
    const ownerId = alice?.ownerId as string;
    await core.send('The kitchen sink is blocked, please call me at 139 0000 1111', { from: 'alice' });
    core.clock.advance(60 * 60_000);
    await core.send('Your receptionist was extremely rude to me today, unacceptable', { from: 'alice' });
    await core.send('The corridor light outside 1502 is broken, please repair it', { from: 'bob' });
    // Some replies were delivered already (sent); their texts go too.
    await database()
      .connection.collection('outbox')
      .updateMany({}, { $set: { status: 'sent' } });
    const before = await countsByQuarterAndCategory();
    expect(before.length).toBeGreaterThan(0);
    expect(await everything()).toContain('kitchen sink');

    const first = captureOutput();
    expect(
      await runOwnersForget({ target: ownerId, connection: database().connection, out: first.out }),
    ).toBe(0);
    expect(first.text()).toMatch(/^Forgot owner [0-9a-f]{24}:/);
    expect(first.text()).toMatch(/owner record anonymised: +yes/);
    expect(first.text()).toMatch(/inbound message texts erased: +[1-9]/);
    expect(first.text()).toMatch(/case message texts erased: +[1-9]/);

    const all = await everything();
    for (const gone of [
      'kitchen sink',
      'extremely rude',
      'Alice Smith',
      '139 0000 1111',
      '13900001111',
      'Owner alice',
    ])
      expect(all).not.toContain(gone);
    // Bob is untouched.
    for (const kept of ['corridor light', 'Bob Jones', '13900002222']) expect(all).toContain(kept);
    const owners = database().connection.collection('owners');
    const record = await owners.findOne({ name: '(forgotten)' });
    expect(record).toMatchObject({ phone: '', unit: '', building: '8', verified: false });
    expect(await owners.countDocuments({})).toBe(2);
    const identity = await core.owners.identityByKey('telegram:alice');
    expect(identity).toMatchObject({ verified: false, displayName: '' });
    expect(identity?.ownerId).toBeUndefined();
    expect(await countsByQuarterAndCategory()).toEqual(before);
    const audit = await database().connection.collection('audit_log').findOne({ action: 'owners.forget' });
    expect(audit).toMatchObject({ actor: 'cli', target: ownerId, outcome: 'ok' });

    const second = captureOutput();
    expect(
      await runOwnersForget({ target: ownerId, connection: database().connection, out: second.out }),
    ).toBe(0);
    expect(second.text()).toBe(`Owner ${ownerId} was already forgotten; nothing left to erase.\n`);
    expect(await countsByQuarterAndCategory()).toEqual(before);

    const unknown = captureOutput();
    expect(
      await runOwnersForget({ target: 'a'.repeat(24), connection: database().connection, out: unknown.out }),
    ).toBe(66);
    expect(unknown.text()).toContain('nothing was erased');
    const malformed = captureOutput();
    expect(
      await runOwnersForget({
        target: '{"$ne":null}',
        connection: database().connection,
        out: malformed.out,
      }),
    ).toBe(64);
    expect(malformed.text()).toContain('is neither an owner id');
  }, 60_000);

  it('when a channel user who never bound is forgotten by key, then their messages and cases are erased', async () => {
    const core = createCoreHarness(database().connection);
    await core.send('The lift in building 3 makes a loud noise, please check it', { from: 'carol' });
    await database()
      .connection.collection('outbox')
      .updateMany({}, { $set: { status: 'sent' } });
    const out = captureOutput();
    expect(
      await runOwnersForget({ target: 'telegram:carol', connection: database().connection, out: out.out }),
    ).toBe(0);
    expect(out.text()).toMatch(/^Forgot channel user telegram:carol:/);
    expect(await everything()).not.toContain('loud noise');
  });

  it('when a web chat user is forgotten, then the client address kept with their messages is gone too', async () => {
    const core = createCoreHarness(database().connection);
    const message = core.message('Is the gym open on Sundays?', { from: 'gina', channel: 'web' });
    await core.deliverAndWait({ ...message, clientAddress: '198.51.100.77' });
    expect(await everything()).toContain('198.51.100.77');

    const out = captureOutput();
    await runOwnersForget({ target: 'web:gina', connection: database().connection, out: out.out });

    expect(await everything()).not.toContain('198.51.100.77');
  });
});

describe('retention purge', () => {
  it('when messages are older than the retention, then their texts are erased (settled cases only), records and labels stay', async () => {
    const core = createCoreHarness(database().connection);
    await core.send('The bathroom fan in my flat is broken, please repair it', { from: 'dave' });
    await core.send('The garage door on level B2 does not open, please repair it', { from: 'erin' });
    const settled = (await core.tickets.listOpen('telegram:dave'))[0];
    const open = (await core.tickets.listOpen('telegram:erin'))[0];
    const staff = { id: 'desk:Alice', name: 'Alice' };
    await core.tickets.claim(String(settled?._id), staff);
    await core.tickets.resolve(String(settled?._id), staff, 'Fan replaced');
    core.clock.advance(31 * 24 * 60 * 60_000);
    await core.send('The bathroom fan works again, thank you', { from: 'frank' });

    const oldLog = database().connection.collection('ticket_events');
    await oldLog.insertMany([
      {
        _id: `${String(settled?._id)}:1` as never,
        ticketId: String(settled?._id),
        push: { messages: { text: 'The bathroom fan in my flat is broken, please repair it' } },
      },
      { _id: 'another case:1' as never, ticketId: 'another case', push: {} },
    ]);
    const purge = createRetentionPurge({
      connection: database().connection,
      clock: core.clock,
      retentionDays: 30,
    });
    const report = await purge.purge();
    // (The other tests' messages in this database are older than the retention too.)
    expect(report.messagesErased).toBeGreaterThanOrEqual(2);
    expect(report).toMatchObject({ casesErased: 1, more: false });
    const messages = database().connection.collection('messages');
    expect(await messages.countDocuments({ senderId: { $in: ['dave', 'erin'] }, text: '' })).toBe(2);
    expect((await messages.findOne({ senderId: 'frank' }))?.text).toBe(
      'The bathroom fan works again, thank you',
    );
    const tickets = database().connection.collection('tickets');
    const purged = await tickets.findOne({ _id: settled?._id });
    expect(purged?.title).toBe('(erased)');
    expect(purged?.messages.every((m: { text: string }) => m.text === '')).toBe(true);
    expect(purged).toMatchObject({ status: 'resolved', kind: settled?.kind, category: settled?.category });
    // A case still being worked keeps its words.
    expect((await tickets.findOne({ _id: open?._id }))?.messages[0]?.text).toContain('garage door');
    // Nothing kept with the case (its history included) still quotes the owner.
    expect(JSON.stringify(purged)).not.toContain('bathroom fan');
    // Nor the per-change log earlier releases kept beside the case.
    expect(await oldLog.countDocuments({ ticketId: String(settled?._id) })).toBe(0);
    expect(await oldLog.countDocuments({ ticketId: 'another case' })).toBe(1);
    expect(await purge.purge()).toMatchObject({ messagesErased: 0, casesErased: 0, caseMessagesErased: 0 });
  });
});

describe('phone masking', () => {
  it('when owner text carries phone numbers, then staff views show only the last four digits', () => {
    expect(maskPhonesInText('call me at 139 0000 1111 or +86-138-0013-8000')).toBe(
      'call me at *******1111 or *******8000',
    );
    expect(maskPhonesInText('电话13800138000谢谢')).toBe('电话*******8000谢谢');
    expect(maskPhonesInText('case WO-2611-0042, unit 5-2-1203')).toBe('case WO-2611-0042, unit 5-2-1203');
  });
});
