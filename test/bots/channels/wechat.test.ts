import pino from 'pino';
import { WechatyBuilder } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { createWechatChannel } from '../../../bots/channels/wechat/wechat';
import type { ChannelAdapter, ChannelName } from '../../../services/channels/types';
import { createDispatcher } from '../../../services/outbox/dispatcher';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

/** A WeChat account on wechaty-puppet-mock wired to the real core, with what the bot said captured. */
async function setup() {
  const h = createCoreHarness(database().connection);
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const wechaty = WechatyBuilder.build({ puppet });
  const said: Array<{ to: string; text: string }> = [];
  const sendText = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string) => {
    said.push({ to: conversationId, text });
    return sendText(conversationId, text);
  };
  const qrCodes: string[] = [];
  const channel = createWechatChannel({
    wechaty,
    clock: h.clock,
    logger: pino({ level: 'silent' }),
    lastInboundAt: async (contactId) => (await h.owners.identityByKey(`wechat:${contactId}`))?.lastInboundAt,
    onQrCode: (url) => qrCodes.push(url),
  });
  await channel.adapter.start(async (message) => {
    await h.inbound.receive(message);
  });
  const dispatcher = createDispatcher({
    connection: database().connection,
    adapters: new Map<ChannelName, ChannelAdapter>([['wechat', channel.adapter]]),
    clock: h.clock,
    logger: pino({ level: 'silent' }),
    limits: { wechat: { perSecond: Infinity, perConversationPerSecond: Infinity } },
  });
  mocker.scan('https://login.weixin.qq.com/l/lakeside-test', 2);
  const account = mocker.createContact({ name: 'Lakeside Property' });
  mocker.login(account);
  await new Promise((resolve) => setTimeout(resolve, 300));

  /** The owner writes; the core handles it; the dispatcher sends the reply through wechaty. */
  async function ownerSays(owner: ReturnType<typeof mocker.createContact>, text: string) {
    const before = said.length;
    owner.say(text).to(account);
    for (let i = 0; i < 100 && (await h.inbound.idle(), true); i++) {
      await dispatcher.runOnce();
      if (said.length > before) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return said.slice(before).map((s) => s.text);
  }

  return {
    h,
    mocker,
    account,
    said,
    qrCodes,
    channel,
    dispatcher,
    ownerSays,
    stop: () => channel.adapter.stop(),
  };
}

describe('WeChat through wechaty (puppet mock)', () => {
  it('when an owner writes, then the core answers through the same contact, and the login QR code was logged', async () => {
    const w = await setup();
    try {
      expect(w.qrCodes).toEqual(['https://login.weixin.qq.com/l/lakeside-test']);
      const owner = w.mocker.createContact({ name: '李女士' });
      const replies = await w.ownerSays(owner, '厨房水槽堵了，麻烦派人来疏通');
      expect(replies[0]).toMatch(/已收到您的报修（编号 WO-\d{4}-\d{4}）/);
      expect(w.said.at(-1)?.to).toBe(owner.id);
    } finally {
      await w.stop();
    }
  }, 30_000);

  it('when choices are offered, then they arrive as a numbered list and a number answers them', async () => {
    const w = await setup();
    try {
      const owner = w.mocker.createContact({ name: 'Mr Wang' });
      const [menu] = await w.ownerSays(owner, 'menu');
      expect(menu).toMatch(/1\. .+\n2\. .+\n3\. .+/);
      const [cases] = await w.ownerSays(owner, '4');
      expect(cases).toMatch(/no open cases|没有/i);
    } finally {
      await w.stop();
    }
  }, 30_000);

  it('when a message comes from a group or from the account itself, then it is ignored', async () => {
    const w = await setup();
    try {
      const owner = w.mocker.createContact({ name: 'Group Member' });
      const room = w.mocker.createRoom({ topic: 'Residents', memberIdList: [owner.id, w.account.id] });
      owner.say('The lift is broken').to(room);
      w.account.say('note to self').to(owner);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await w.h.inbound.idle();
      const { entries } = outboxModels(database().connection);
      expect(
        await entries.countDocuments({ 'address.channel': 'wechat', 'address.conversationId': owner.id }),
      ).toBe(0);
    } finally {
      await w.stop();
    }
  }, 30_000);

  it('when outreach goes to an owner silent for over 48 hours, then it is refused as needing a template message', async () => {
    const w = await setup();
    try {
      const owner = w.mocker.createContact({ name: 'Ms Chen' });
      await w.ownerSays(owner, '物业费怎么交？');
      w.h.clock.advance(49 * 60 * 60_000);
      await w.h.outbox.enqueue({
        key: `survey-test:${owner.id}`,
        address: { channel: 'wechat', conversationId: owner.id },
        message: { text: 'How satisfied are you with our service?' },
        purpose: 'survey',
      });
      const before = w.said.length;
      await w.dispatcher.runOnce();
      expect(w.said.length).toBe(before);
      const entry = await w.h.outbox.get(`survey-test:${owner.id}`);
      expect(entry).toMatchObject({ status: 'dead' });
      expect(entry?.lastError).toContain('wechat_template_required');
    } finally {
      await w.stop();
    }
  }, 30_000);
});
