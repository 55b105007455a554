import { trusted } from '../../../services/database/connect';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { ownerModels } from '../../../services/owners/owner-model';
import type { OutboxPurpose } from '../../../services/outbox/outbox-model';
import { DEFAULT_TEMPLATE_FIELDS } from '../../../services/wechat-official/template-render';
import { forgetOwner } from '../../../services/privacy/forget';
import { useTestDatabase } from '../../support/database';
import { startFakeWechatOfficial, type FakeWechatOfficial } from '../../support/fake-wechat-official';
import {
  createWechatOfficialHarness,
  FAKE_TEMPLATES,
  TEMPLATE_IDS,
} from '../../support/wechat-official-harness';

const database = useTestDatabase();

describe('WeChat outreach through the Official Account API (fake API, puppet mock)', () => {
  let fake: FakeWechatOfficial;
  let w: Awaited<ReturnType<typeof createWechatOfficialHarness>>;
  let owners: Array<{ openid: string; ownerId: string; silent: boolean }>;
  let serial = 0;

  beforeAll(async () => {
    let now = () => Date.now();
    fake = await startFakeWechatOfficial({
      now: () => now(),
      templates: { ...FAKE_TEMPLATES, Wrong_Fields_Template_01: ['keyword1', 'keyword2'] },
    });
    w = await createWechatOfficialHarness(database().connection, fake);
    now = () => w.h.clock.now().getTime();
    owners = await w.seedOwners(12, { silentHours: 60, activeHours: 1 });
  }, 60_000);
  afterAll(async () => {
    await w.stop();
    await fake.close();
  });

  /** Queues outreach to an owner and runs one dispatcher pass; returns the entry as it ended. */
  async function outreach(
    openid: string,
    purpose: OutboxPurpose,
    text = '明天上午 9 点到 12 点停水，请提前储水。',
  ) {
    const key = `${purpose}-test:${++serial}`;
    await w.h.outbox.enqueue({
      key,
      address: { channel: 'wechat', conversationId: openid },
      purpose,
      message: { text, language: 'zh' },
    });
    await w.first.dispatcher.runOnce();
    return (await w.h.outbox.get(key))!;
  }
  const identityOf = (openid: string) =>
    ownerModels(database().connection)
      .identities.findOne({ key: `wechat:${openid}` })
      .lean();

  it('when a notice goes to a silent owner, then the notice template carries its first words', async () => {
    const entry = await outreach(owners[0]!.openid, 'announcement');
    expect(entry).toMatchObject({
      status: 'sent',
      platformMessageId: expect.stringMatching(/^template:\d+$/),
    });
    expect(fake.templatesSent.at(-1)).toMatchObject({
      touser: owners[0]!.openid,
      template_id: TEMPLATE_IDS.notice,
      data: {
        thing1: { value: '物业通知' },
        thing2: { value: expect.stringMatching(/^明天上午 9 点到 12 点停水.*…$/) },
      },
    });
    expect(Array.from(fake.templatesSent.at(-1)!.data.thing2!.value)).toHaveLength(20);
  });

  it("when the owner refused the account's messages (43101), then the identity is unreachable and the send is not retried", async () => {
    fake.refuse(owners[2]!.openid);
    const entry = await outreach(owners[2]!.openid, 'return_visit');
    expect(entry).toMatchObject({ status: 'dead', generation: 1 });
    expect(entry.deadReason).toMatch(/^wechat_refused \(403\): the owner turned off messages/);
    expect(await identityOf(owners[2]!.openid)).toMatchObject({
      unreachable: true,
      unreachableReason: 'wechat_refused',
    });
  });

  it("when the template id is not the account's (40037), then the dead letter says what an operator must fix, and the owner stays reachable", async () => {
    fake.failNext('/cgi-bin/message/template/send', 40037, 'invalid template_id rid: 6f1e');
    const entry = await outreach(owners[4]!.openid, 'survey');
    expect(entry.status).toBe('dead');
    expect(entry.deadReason).toContain(
      "wechat_template_invalid (400): the template id is not one of this account's templates",
    );
    expect(entry.deadReason).toContain(TEMPLATE_IDS.survey);
    expect(await identityOf(owners[4]!.openid)).toMatchObject({ unreachable: false });
  });

  it('when the openid is not a user of this account (40003), then the send is a dead letter at once', async () => {
    const entry = await outreach('wxid_personal_account_contact', 'announcement');
    expect(entry).toMatchObject({ status: 'dead', generation: 1 });
    expect(entry.deadReason).toMatch(
      /^wechat_openid_invalid \(404\): this openid is not a user of this Official Account/,
    );
  });

  it('when WeChat is busy (-1), then the send is retried later and goes through', async () => {
    fake.failNext('/cgi-bin/message/template/send', -1, 'system error');
    const entry = await outreach(owners[6]!.openid, 'survey');
    expect(entry).toMatchObject({ status: 'pending', failures: 1 });
    w.h.clock.advance(60_000);
    await w.first.dispatcher.runOnce();
    expect(await w.h.outbox.get(entry.key)).toMatchObject({ status: 'sent' });
  });

  it("when the day's template quota is used up (45009), then templates wait for midnight, counted, while customer-service messages still go", async () => {
    fake.setTemplateQuota(0);
    const before = fake.calls.length;
    const first = await outreach(owners[8]!.openid, 'survey');
    const second = await outreach(owners[10]!.openid, 'survey');
    const reply = await outreach(owners[1]!.openid, 'survey');
    expect(reply.status).toBe('sent'); // inside the window: the channel was not paused
    const { entries } = outboxModels(database().connection);
    const waiting = await entries
      .find({ key: trusted({ $in: [first.key, second.key] }) })
      .sort({ key: 1 })
      .lean();
    // 02:00Z is 10:00 in Beijing: the quota comes back 14 hours later.
    expect(
      waiting.map((entry) => [entry.status, entry.throttles, entry.nextAttemptAt.toISOString()]),
    ).toEqual([
      ['pending', 1, expect.stringMatching(/T16:00:00/)],
      ['pending', 1, expect.stringMatching(/T16:00:00/)],
    ]);
    // The second was refused here without asking WeChat again.
    expect(fake.calls.slice(before).filter((call) => call.errcode === 45009)).toHaveLength(1);
    fake.setTemplateQuota(Infinity);
    w.h.clock.advance(14 * 3_600_000);
    await w.first.dispatcher.runOnce();
    expect((await w.h.outbox.get(first.key))?.status).toBe('sent');
    expect((await w.h.outbox.get(second.key))?.status).toBe('sent');
  });

  it('when a long notice goes as a template, then one template is sent, and an answer brings the whole notice', async () => {
    const owner = owners[0]!;
    const long = Array.from(
      { length: 60 },
      (_, i) => `第 ${i + 1} 条：本周末小区将进行消防设施年度检测，届时会有短暂的警铃声，请勿惊慌。`,
    ).join('\n');
    const before = fake.templatesSent.length;
    const entry = await outreach(owner.openid, 'announcement', long);
    expect(entry.status).toBe('sent');
    expect(fake.templatesSent.length - before).toBe(1);
    const replies = await w.ownerSays(owner.openid, 'OK');
    expect(replies.join('\n')).toContain('第 60 条');
    expect(replies.length).toBeGreaterThan(1); // over 2,000 characters: sent in parts
    expect(replies.join('\n')).toContain('第 1 条');
  }, 60_000);

  it('when an owner with a held message is forgotten, then the held message is erased too', async () => {
    const owner = owners[6]!;
    await outreach(owner.openid, 'announcement', '本周六上午检修电梯');
    const held = database().connection.collection('wechat_held_messages');
    expect(await held.countDocuments({ contactId: owner.openid, status: 'held' })).toBeGreaterThan(0);
    await forgetOwner({ connection: database().connection, clock: w.h.clock, target: owner.ownerId });
    expect(await held.countDocuments({ contactId: owner.openid })).toBe(0);
  });
});

describe('WeChat outreach with the Official Account API but no templates', () => {
  let fake: FakeWechatOfficial;
  let w: Awaited<ReturnType<typeof createWechatOfficialHarness>>;

  beforeAll(async () => {
    fake = await startFakeWechatOfficial({
      templates: { ...FAKE_TEMPLATES, Wrong_Fields_Template_01: ['keyword1', 'keyword2'] },
    });
    w = await createWechatOfficialHarness(database().connection, fake, {
      templates: { notice: { id: 'Wrong_Fields_Template_01', fields: DEFAULT_TEMPLATE_FIELDS } },
    });
  }, 60_000);
  afterAll(async () => {
    await w.stop();
    await fake.close();
  });

  it('when a silent owner is surveyed, then the dead letter says a template is required, and the reach is counted with that reason', async () => {
    const [silent] = await w.seedOwners(1, { silentHours: 50, activeHours: 1, from: 100 });
    await w.h.outbox.enqueue({
      key: `survey:2026Q4:${silent!.ownerId}`,
      address: { channel: 'wechat', conversationId: silent!.openid },
      purpose: 'survey',
      ownerId: silent!.ownerId,
      message: { text: '季度业主满意度调查' },
    });
    await w.first.dispatcher.runOnce();
    const entry = await w.h.outbox.get(`survey:2026Q4:${silent!.ownerId}`);
    expect(entry?.deadReason).toMatch(
      /^wechat_template_required \(403\): .*no template is configured for survey/,
    );
    expect(fake.calls.filter((call) => call.path !== '/cgi-bin/stable_token')).toEqual([]);
    expect(await w.reach.summaryOf('survey:2026Q4:')).toEqual({
      reached: 0,
      byTemplate: 0,
      unreached: 1,
      reasons: { wechat_template_required: 1 },
    });
  });

  it("when a template's fields do not match the mapping (47003), then the dead letter points at the mapping", async () => {
    const [silent] = await w.seedOwners(1, { silentHours: 50, activeHours: 1, from: 102 });
    await w.h.outbox.enqueue({
      key: `notice-test:${silent!.ownerId}`,
      address: { channel: 'wechat', conversationId: silent!.openid },
      purpose: 'announcement',
      message: { text: '停水通知' },
    });
    await w.first.dispatcher.runOnce();
    const entry = await w.h.outbox.get(`notice-test:${silent!.ownerId}`);
    expect(entry?.deadReason).toContain(
      "wechat_template_fields_invalid (400): the template's fields do not match the field mapping",
    );
    expect(entry?.deadReason).toContain('data.keyword1.value invalid');
  });
});
