import { ticketModels } from '../../../services/tickets/ticket-model';
import { useTestDatabase } from '../../support/database';
import { nextOrigin, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();

async function until(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the case index behind listOpen', () => {
  it('when cases were stored before the index existed, then a new instance fills it in and lists exactly what the cases collection holds', async () => {
    const { Tickets, CaseIndex } = ticketModels(database().connection);
    const owner = '6740a1b2c3d4e5f60123ab01';
    const { openId, instance } = ticketSetup(database().connection);
    const mine = await openId({ identityKey: 'telegram:ci-1' });
    const bound = await openId({ identityKey: 'telegram:ci-1', ownerId: owner });
    const closed = await openId({ identityKey: 'telegram:ci-1' });
    const otherChannel = await openId({ identityKey: 'wechat:ci-1', ownerId: owner });
    const erased = await openId({ identityKey: 'wechat:ci-9', ownerId: owner });
    await openId({ identityKey: 'telegram:ci-2' });
    await Tickets.updateOne({ _id: closed }, { $set: { status: 'closed' } });
    // Forgetting an owner clears the cases' ownerId: they are no longer theirs to list.
    await Tickets.updateOne({ _id: erased }, { $set: { ownerId: '' } });
    // What a database of the version before the index looks like.
    await CaseIndex.deleteMany({});

    const later = instance();
    const ids = async () => (await later.listOpen('telegram:ci-1', owner)).map((t) => String(t._id));
    const byQuery = await ids(); // the index is still being filled in: the cases collection answers
    await until(async () => (await CaseIndex.countDocuments({})) >= 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const byIndex = await ids();

    expect(byQuery.sort()).toEqual([mine, bound, otherChannel].sort());
    expect(byIndex.sort()).toEqual(byQuery.sort());
    const entry = await CaseIndex.findById('identity:telegram:ci-1').lean();
    expect(entry?.caseIds.sort()).toEqual([mine, bound, closed].sort());
    // The erased case was no longer the owner's when the index was filled in.
    expect((await CaseIndex.findById(`owner:${owner}`).lean())?.caseIds.sort()).toEqual(
      [bound, otherChannel].sort(),
    );
  });

  it('when a case is opened through an instance whose index is complete, then it is listed at once, newest first, and a reopened case again', async () => {
    const { Tickets } = ticketModels(database().connection);
    const { tickets, openId, clock } = ticketSetup(database().connection);
    expect(await tickets.listOpen('telegram:ci-3')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the (empty) fill-in ends
    const first = await openId({ identityKey: 'telegram:ci-3' });
    clock.advance(60_000);
    const second = await openId({ identityKey: 'telegram:ci-3' });
    expect((await tickets.listOpen('telegram:ci-3')).map((t) => String(t._id))).toEqual([second, first]);

    await Tickets.updateOne({ _id: first }, { $set: { status: 'closed' } });
    expect((await tickets.listOpen('telegram:ci-3')).map((t) => String(t._id))).toEqual([second]);
    await Tickets.updateOne({ _id: first }, { $set: { status: 'reopened' } });
    expect((await tickets.listOpen('telegram:ci-3')).map((t) => String(t._id))).toEqual([second, first]);
  });

  it('when the same message opens a case again through the index, then the first case is returned, and without its index entry the unique origin still stops a second', async () => {
    const { Tickets, CaseIndex } = ticketModels(database().connection);
    const { tickets, open } = ticketSetup(database().connection);
    await tickets.listOpen('telegram:ci-4');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the fill-in ends
    const origin = nextOrigin();
    const first = await open({ origin, identityKey: 'telegram:ci-4' });
    const again = await open({ origin, identityKey: 'telegram:ci-4', text: 'something else' });
    expect(again).toMatchObject({ created: false, ticket: { _id: first.ticket._id } });

    await CaseIndex.deleteMany({ _id: 'identity:telegram:ci-4' });
    const lost = await open({ origin, identityKey: 'telegram:ci-4', text: 'and again' });
    expect(lost).toMatchObject({ created: false, ticket: { _id: first.ticket._id } });
    expect(await Tickets.countDocuments({ origin })).toBe(1);
  });
});
