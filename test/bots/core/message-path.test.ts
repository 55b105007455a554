import mongoose from 'mongoose';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
let owner = 0;
const nextOwner = () => `path-${++owner}-${Date.now()}`;

/** Records the collections `method` is called on (among `collections`) until `stop()`. */
function watchCalls(method: 'find' | 'updateOne', collections: string[]) {
  const seen: string[] = [];
  const prototype = mongoose.mongo.Collection.prototype as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = prototype[method]!;
  const spy = jest.spyOn(prototype, method).mockImplementation(function (
    this: InstanceType<typeof mongoose.mongo.Collection>,
    ...args: unknown[]
  ) {
    if (collections.includes(this.collectionName)) seen.push(this.collectionName);
    return original.apply(this, args);
  });
  return { seen, stop: () => spy.mockRestore() };
}

/** The sequences owners actually wrote, each message answered on its own merits. */
describe('the message path, message by message (real engine, real classifier)', () => {
  const harness = () => createCoreHarness(database().connection);

  it('when an owner with an open leak report asks how to pay the fee, then the question is answered, not added to the case', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('厨房水管漏水了，麻烦派师傅来看看', { from, channel: 'wechat' });
    await h.send('物业费怎么交？', { from, channel: 'wechat' });
    const replies = await h.replies(from);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatch(/报修（编号 WO-\d{4}-\d{4}）/);
    expect(replies[1]).toContain('缴费');
    const [leak] = await h.tickets.listOpen(`wechat:${from}`);
    expect(leak?.messages.filter((m) => m.from === 'owner')).toHaveLength(1);
  });

  it('when a case is opened, then the reply naming it is on the case once, written with the case itself', async () => {
    const h = harness();
    const from = nextOwner();
    const caseUpdates = watchCalls('updateOne', ['tickets']);
    try {
      await h.send('The corridor light outside 12-1203 is broken, please fix it', { from });
    } finally {
      caseUpdates.stop();
    }

    // The reply's copy on the case is not written again once it is queued.
    expect(caseUpdates.seen).toEqual([]);
    const [reply] = await h.replies(from);
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(reply).toContain(ticket!.reference);
    expect(ticket!.messages.map((m) => [m.from, m.text])).toEqual([
      ['owner', 'The corridor light outside 12-1203 is broken, please fix it'],
      ['bot', reply],
    ]);
    expect(ticket!.version).toBe(0); // the insert alone: no second write for the reply
  });

  it('when the case of a message was opened without its reply (an earlier handling), then the reply is added to it once', async () => {
    const h = harness();
    const from = nextOwner();
    const id = `pre-opened-${Date.now()}`;
    await h.tickets.open({
      kind: 'work_order',
      intent: 'help_seeking',
      category: 'equipment',
      origin: `telegram:${id}`,
      identityKey: `telegram:${from}`,
      verified: false,
      address: { channel: 'telegram', conversationId: `chat-${from}` },
      language: 'en',
      text: 'The corridor light outside 12-1203 is broken, please fix it',
    });
    await h.send('The corridor light outside 12-1203 is broken, please fix it', { from, id });

    const [reply] = await h.replies(from);
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(ticket!.messages.map((m) => [m.from, m.text])).toEqual([
      ['owner', 'The corridor light outside 12-1203 is broken, please fix it'],
      ['bot', reply],
    ]);
  });

  it('when an angry noise complaint follows a repair, then it opens its own complaint with its deadline and is answered', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The corridor light outside 12-1203 is broken, please fix it', { from });
    h.clock.advance(60_000);
    await h.send(
      'My neighbour upstairs has been drilling and banging until 1am every night, this is unacceptable and nobody does anything!',
      { from },
    );
    const cases = await h.tickets.listOpen(`telegram:${from}`);
    const complaint = cases.find((ticket) => ticket.kind === 'complaint');
    expect(complaint).toBeDefined();
    expect(complaint?.slaCheckAt.getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + 30 * 60_000);
    const replies = await h.replies(from);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toContain(complaint?.reference);
  });

  it('when the owner says it still leaks after the resolve notice, then the case just resolved reopens, not another open one', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('卫生间天花板在漏水，麻烦来修', { from });
    const [leak] = await h.tickets.listOpen(`telegram:${from}`);
    const staff = { id: 'U_ALICE', name: 'Alice' };
    await h.tickets.claim(String(leak!._id), staff);
    await h.tickets.resolve(String(leak!._id), staff, '更换了防水层');
    h.clock.advance(60 * 60_000);
    await h.send('燃气灶旁边好像有煤气味，很浓', { from }); // an unrelated emergency, open
    h.clock.advance(5 * 60_000);
    await h.send('还是在漏，天花板又湿了一大片', { from });
    const reopened = await h.tickets.get(String(leak!._id));
    expect(reopened.status).toBe('reopened');
    expect(reopened.messages.filter((m) => m.from === 'owner').at(-1)?.text).toBe(
      '还是在漏，天花板又湿了一大片',
    );
    const emergency = (await h.tickets.listOpen(`telegram:${from}`)).find(
      (ticket) => ticket.kind === 'emergency',
    );
    expect(emergency?.messages.map((message) => message.text)).not.toContain('还是在漏，天花板又湿了一大片');
    expect((await h.replies(from)).at(-1)).toContain(`已重新打开您的工单 ${leak!.reference}`);
  });

  it('when an owner asks about progress in their own words, then their cases are listed and no case opens', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    for (const question of ['我的报修进度怎么样了？', '师傅什么时候来？', 'any update on my repair?']) {
      await h.send(question, { from });
      expect((await h.replies(from)).at(-1)).toMatch(
        /(您的工单进度|Where your cases stand)[^]*WO-\d{4}-\d{4}/,
      );
    }
    expect(await h.tickets.listOpen(`telegram:${from}`)).toHaveLength(1);
  });

  it('when an owner starts binding, then "人工" and "取消" get out of it, and building and room may come in two messages', async () => {
    const h = harness();
    await h.owners.importCsv('name,building,unit,phone,language\n张三,3,1502,13800005678,zh\n');
    const from = nextOwner();
    await h.send('绑定', { from });
    expect((await h.replies(from)).at(-1)).toContain('回复“取消”可退出');
    await h.send('人工', { from });
    expect((await h.replies(from)).at(-1)).not.toContain('没能看懂');
    expect((await h.owners.identityByKey(`telegram:${from}`))?.binding.step).toBe('none');

    await h.send('绑定', { from });
    await h.send('取消', { from });
    expect((await h.replies(from)).at(-1)).toContain('已取消');

    await h.send('绑定', { from });
    await h.send('3栋', { from });
    expect((await h.replies(from)).at(-1)).toContain('3栋');
    await h.send('1502', { from });
    expect((await h.replies(from)).at(-1)).toContain('后四位');
    await h.send('5678', { from });
    expect((await h.replies(from)).at(-1)).toContain('验证成功');
  });

  it('when an owner greets the bot, then the menu comes as buttons', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('你好', { from });
    const [greeting] = await h.queued({ from });
    expect(greeting?.message.buttons?.map((button) => button.action)).toEqual([
      'menu:repair',
      'menu:question',
      'menu:complaint',
      'menu:cases',
      'menu:language',
    ]);
  });
});

describe('a sender writing for the first time', () => {
  it('when they cancel with nothing asked, then no conversation state is written for them', async () => {
    const h = createCoreHarness(database().connection);
    const from = nextOwner();
    await h.send('取消', { from });
    expect(await h.replies(from)).toHaveLength(1);
    expect(
      await database()
        .connection.collection('conversation_states')
        .countDocuments({ key: `telegram:${from}` }),
    ).toBe(0);
  });

  it('when their first message arrives, then no question or visit of theirs is read; from the second on their question is', async () => {
    const h = createCoreHarness(database().connection);
    const from = nextOwner();
    const reads = watchCalls('find', ['conversation_states', 'return_visits']);
    try {
      await h.send('物业费怎么交？', { from });
      expect(reads.seen).toEqual([]);
      await h.send('停车费多少钱？', { from });
      expect(reads.seen).toContain('conversation_states');
    } finally {
      reads.stop();
    }
    expect(await h.replies(from)).toHaveLength(2);
  });
});
