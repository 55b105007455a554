import { ticketModels } from '../../../services/tickets/ticket-model';
import { useTestDatabase } from '../../support/database';
import { alice, MINUTE, ticketSetup } from './ticket-fixtures';

const database = useTestDatabase();

/** Whether the engine answered `filter` on the cases from an index (FerretDB on PostgreSQL's plan). */
async function servedByIndex(filter: unknown): Promise<boolean> {
  const explained = (await database().connection.db!.command({
    explain: { find: 'tickets', filter },
  })) as { filterPushdown?: boolean; queryPlanner?: unknown };
  return explained.filterPushdown === true && JSON.stringify(explained.queryPlanner).includes('_gin"');
}

/** The filters of every read of the cases collection made while `run` runs. */
async function readsDuring(run: () => Promise<unknown>): Promise<unknown[]> {
  const filters: unknown[] = [];
  const connection = database().connection;
  connection.set('debug', (collection: string, method: string, filter: unknown) => {
    if (collection === 'tickets' && ['find', 'findOne', 'findOneAndUpdate'].includes(method))
      filters.push(filter);
  });
  try {
    await run();
  } finally {
    connection.set('debug', false);
  }
  return filters;
}

describe("finding a person's open cases", () => {
  it('when cases were written or changed outside the service, then listOpen lists exactly what the cases collection holds', async () => {
    const { Tickets } = ticketModels(database().connection);
    const owner = '6740a1b2c3d4e5f60123ab01';
    const { openId, instance, clock } = ticketSetup(database().connection);
    const mine = await openId({ identityKey: 'telegram:lo-1' });
    clock.advance(MINUTE);
    const bound = await openId({ identityKey: 'telegram:lo-1', ownerId: owner });
    clock.advance(MINUTE);
    const closed = await openId({ identityKey: 'telegram:lo-1' });
    clock.advance(MINUTE);
    const otherChannel = await openId({ identityKey: 'wechat:lo-1', ownerId: owner });
    clock.advance(MINUTE);
    const erased = await openId({ identityKey: 'wechat:lo-9', ownerId: owner });
    await openId({ identityKey: 'telegram:lo-2' });
    await Tickets.updateOne({ _id: closed }, { $set: { status: 'closed' } });
    // Forgetting an owner clears the cases' ownerId: they are no longer theirs to list.
    await Tickets.updateOne({ _id: erased }, { $set: { ownerId: '' } });

    const ids = async (ownerId?: string) =>
      (await instance().listOpen('telegram:lo-1', ownerId)).map((t) => String(t._id));

    expect(await ids(owner)).toEqual([otherChannel, bound, mine]);
    expect(await ids()).toEqual([bound, mine]);
  });

  it('when a case is opened, then it is listed at once, newest first; closed it leaves the list, reopened it comes back', async () => {
    const { Tickets } = ticketModels(database().connection);
    const { tickets, openId, clock } = ticketSetup(database().connection);
    expect(await tickets.listOpen('telegram:lo-3')).toEqual([]);
    const first = await openId({ identityKey: 'telegram:lo-3' });
    clock.advance(60_000);
    const second = await openId({ identityKey: 'telegram:lo-3' });
    expect((await tickets.listOpen('telegram:lo-3')).map((t) => String(t._id))).toEqual([second, first]);

    await Tickets.updateOne({ _id: first }, { $set: { status: 'closed' } });
    expect((await tickets.listOpen('telegram:lo-3')).map((t) => String(t._id))).toEqual([second]);
    await Tickets.updateOne({ _id: first }, { $set: { status: 'reopened' } });
    expect((await tickets.listOpen('telegram:lo-3')).map((t) => String(t._id))).toEqual([second, first]);
  });

  it('when a person has more open cases than the list holds, then the newest 20 of both channels are listed in order', async () => {
    const owner = '6740a1b2c3d4e5f60123ab02';
    const { tickets, openId, clock } = ticketSetup(database().connection);
    const opened: string[] = [];
    for (let i = 0; i < 30; i++) {
      clock.advance(MINUTE);
      opened.push(
        await openId(i % 3 ? { identityKey: 'telegram:lo-4' } : { identityKey: 'web:lo-4', ownerId: owner }),
      );
    }

    const listed = (await tickets.listOpen('telegram:lo-4', owner)).map((t) => String(t._id));

    expect(listed).toEqual(opened.slice(-20).reverse());
  });
});

describe('reads served by an index', () => {
  const engineOnly = process.env.MONGODB_URI ? it.skip : it;

  engineOnly(
    'when a case is opened, listed, found by reference, queued, listed as finished, found in an owner history and watched, then no read goes through every case',
    async () => {
      const { tickets, open, clock } = ticketSetup(database().connection);
      const { ticket } = await open({ identityKey: 'telegram:ix-1', ownerId: '6740a1b2c3d4e5f60123ab03' });
      const id = String(ticket._id);
      clock.advance(3 * 60 * MINUTE);

      const filters = await readsDuring(async () => {
        await open({ identityKey: 'telegram:ix-1' });
        await tickets.listOpen('telegram:ix-1', '6740a1b2c3d4e5f60123ab03');
        await tickets.getByReference(ticket.reference);
        await tickets.queue();
        await tickets.settled(['2026Q4']);
        await tickets.history({ ownerId: '6740a1b2c3d4e5f60123ab03', identityKey: 'telegram:ix-1' });
        await tickets.history({ identityKey: 'telegram:ix-1' });
        await tickets.applyDueEscalations(clock.now());
        await tickets.claim(id, alice);
      });

      expect(filters.length).toBeGreaterThanOrEqual(20);
      for (const filter of filters)
        expect({ filter, indexed: await servedByIndex(filter) }).toEqual({ filter, indexed: true });
    },
  );
});
