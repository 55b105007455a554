import type { Connection } from 'mongoose';
import pino from 'pino';
import { WechatyBuilder } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { createWechatChannel } from '../../bots/channels/wechat/wechat';
import type { ChannelAdapter, ChannelName } from '../../services/channels/types';
import { createDispatcher } from '../../services/outbox/dispatcher';
import { ownerModels } from '../../services/owners/owner-model';
import { createOutreachReach } from '../../services/outreach/outreach-reach';
import { createSurveyService, type SurveyService } from '../../services/surveys/survey-service';
import { createAccessTokenStore } from '../../services/wechat-official/access-token';
import { createOfficialAccountApi } from '../../services/wechat-official/api';
import { createHeldMessages, type HeldMessages } from '../../services/wechat-official/held-messages';
import { createOfficialSender } from '../../services/wechat-official/official-sender';
import { createTemplateFollowUp } from '../../services/wechat-official/template-follow-up';
import {
  DEFAULT_TEMPLATE_FIELDS,
  type TemplateKind,
  type TemplateSpec,
} from '../../services/wechat-official/template-render';
import { createCoreHarness } from './core-harness';
import type { FakeWechatOfficial } from './fake-wechat-official';
import { verifiedIdentity } from './telegram-owners';

/** Template ids the fake knows, with the default field mapping. */
export const TEMPLATE_IDS: Record<TemplateKind, string> = {
  survey: 'SurveyTpl_Q1w2E3r4T5y6U7i8O9p0',
  return_visit: 'VisitTpl_A1s2D3f4G5h6J7k8L9z0',
  notice: 'NoticeTpl_Z1x2C3v4B5n6M7q8W9e0',
};

/** The fake's templates, each with the default fields (thing1, thing2, time3, thing4). */
export const FAKE_TEMPLATES = Object.fromEntries(
  Object.values(TEMPLATE_IDS).map((id) => [id, DEFAULT_TEMPLATE_FIELDS.map((field) => field.key)]),
);

const ALL_TEMPLATES: Partial<Record<TemplateKind, TemplateSpec>> = Object.fromEntries(
  Object.entries(TEMPLATE_IDS).map(([kind, id]) => [kind, { id, fields: DEFAULT_TEMPLATE_FIELDS }]),
);

/**
 * A WeChat Official Account set-up on the real core (fake clock, real database): owners
 * write through wechaty-puppet-mock, the bot sends through the fake Official Account API.
 * `instance()` adds an app instance of its own (API client, token cache, dispatcher)
 * sharing the database, as several processes would.
 */
export async function createWechatOfficialHarness(
  connection: Connection,
  fake: FakeWechatOfficial,
  options: { templates?: Partial<Record<TemplateKind, TemplateSpec>> } = {},
) {
  const logger = pino({ level: process.env.HARNESS_LOG ?? 'silent' });
  let surveys: SurveyService | undefined;
  let held: HeldMessages | undefined;
  const h = createCoreHarness(connection, {}, (parts) => {
    surveys = createSurveyService({ connection, ...parts, settings: { quietHours: null } });
    held = createHeldMessages({ connection, clock: parts.clock });
    return [createTemplateFollowUp({ held, outbox: parts.outbox }), surveys.answerer];
  });
  const reach = createOutreachReach({ connection, clock: h.clock });
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const wechaty = WechatyBuilder.build({ puppet });
  /** What went through the puppet itself (nothing, once the Official Account API sends). */
  const puppetSaid: string[] = [];
  const sendText = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string) => {
    puppetSaid.push(text);
    return sendText(conversationId, text);
  };

  function instance(name: string, batchSize = 100) {
    const api = createOfficialAccountApi({
      apiRoot: fake.apiRoot,
      appId: fake.appId,
      appSecret: fake.appSecret,
    });
    const tokens = createAccessTokenStore({
      connection,
      api,
      clock: h.clock,
      logger,
      instanceId: name,
      settings: { pollMs: 10 },
    });
    const sender = createOfficialSender({
      api,
      tokens,
      clock: h.clock,
      logger,
      settings: { templates: options.templates ?? ALL_TEMPLATES, timeZone: 'Asia/Shanghai' },
    });
    const channel = createWechatChannel({
      wechaty,
      clock: h.clock,
      logger,
      lastInboundAt: async (contactId) =>
        (await h.owners.identityByKey(`wechat:${contactId}`))?.lastInboundAt,
      official: { sender, held: held! },
      onUnreachable: (contactId, reason) => h.owners.markUnreachable('wechat', contactId, reason),
    });
    const dispatcher = createDispatcher({
      connection,
      adapters: new Map<ChannelName, ChannelAdapter>([['wechat', channel.adapter]]),
      clock: h.clock,
      logger,
      instanceId: name,
      batchSize,
      shareRate: false,
      limits: { wechat: { perSecond: Infinity, perConversationPerSecond: Infinity } },
      onSent: ({ entry, platformMessageId }) => reach.recordSent(entry, platformMessageId),
      onDeadLetter: ({ entry, reason }) => reach.recordDead(entry, reason),
    });
    return { name, channel, dispatcher, tokens };
  }

  const first = instance('instance-a');
  await first.channel.adapter.start(async (message) => {
    await h.inbound.receive(message);
  });
  mocker.scan('https://login.weixin.qq.com/l/official-test', 2);
  const account = mocker.createContact({ name: 'Lakeside Property' });
  mocker.login(account);
  await new Promise((resolve) => setTimeout(resolve, 300));

  const sentCount = () => fake.templatesSent.length + fake.textsSent.length;

  /** Runs every instance's dispatcher until a pass claims nothing. */
  async function drain(instances = [first]) {
    for (let pass = 0; pass < 200; pass++) {
      const claimed = await Promise.all(instances.map((one) => one.dispatcher.runOnce()));
      if (claimed.every((count) => count === 0)) return;
    }
    throw new Error('the outbox did not drain');
  }

  /** The owner with this openid writes to the account; returns what the bot sent back. */
  async function ownerSays(openid: string, text: string) {
    const before = fake.textsSent.length;
    const contact = mocker.ContactMock.load(openid);
    contact.say(text).to(account);
    for (let i = 0; i < 100; i++) {
      await h.inbound.idle();
      await drain();
      if (fake.textsSent.length > before && (await h.inbound.idle(), true)) break;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await drain();
    return fake.textsSent.slice(before).map((sent) => sent.content);
  }

  /**
   * `count` verified owners on WeChat (numbered from `from`), openids `o` + 27 characters;
   * even-numbered ones last wrote `silentHours` ago, odd ones `activeHours` ago. Each is a
   * contact of the mock puppet.
   */
  async function seedOwners(
    count: number,
    hours: { silentHours: number; activeHours: number; from?: number },
  ) {
    const from = hours.from ?? 0;
    const { owners, identities } = ownerModels(connection);
    const now = h.clock.now();
    const inserted = await owners.insertMany(
      Array.from({ length: count }, (_, j) => from + j).map((i) => ({
        householdKey: `${1 + (i % 4)}/${i}/1380000${String(i).padStart(4, '0')}`,
        name: `Owner ${i}`,
        building: String(1 + (i % 4)),
        unit: String(i),
        entrance: '',
        room: String(i),
        phone: `1380000${String(i).padStart(4, '0')}`,
        phoneLast4: String(i).padStart(4, '0'),
        language: i % 3 === 0 ? 'en' : 'zh',
        verified: true,
        demo: false,
        source: 'import',
        createdAt: now,
        updatedAt: now,
      })),
    );
    const openids = inserted.map((_, j) => `oWx${String(from + j).padStart(5, '0')}_lakeside_owner_x`);
    await identities.insertMany(
      inserted.map((owner, i) =>
        verifiedIdentity({
          channel: 'wechat',
          platformUserId: openids[i]!,
          conversationId: openids[i]!,
          ownerId: String(owner._id),
          language: owner.language,
          at: new Date(now.getTime() - (i % 2 === 0 ? hours.silentHours : hours.activeHours) * 3_600_000),
        }),
      ),
    );
    for (const [i, openid] of openids.entries()) mocker.createContact({ id: openid, name: `Owner ${i}` });
    return openids.map((openid, i) => ({ openid, ownerId: String(inserted[i]!._id), silent: i % 2 === 0 }));
  }

  return {
    h,
    fake,
    reach,
    surveys: () => surveys!,
    held: () => held!,
    first,
    instance,
    drain,
    ownerSays,
    seedOwners,
    sentCount,
    puppetSaid,
    stop: () => first.channel.adapter.stop(),
  };
}
