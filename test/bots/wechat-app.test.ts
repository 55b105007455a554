import type { Connection } from 'mongoose';
import { systemClock } from '../../services/clock';
import { createOutbox } from '../../services/outbox/outbox';
import { ownerModels } from '../../services/owners/owner-model';
import { useAppProcess } from '../support/app-process';
import { startFakeWechatOfficial, type FakeWechatOfficial } from '../support/fake-wechat-official';
import { verifiedIdentity } from '../support/telegram-owners';
import { FAKE_TEMPLATES, TEMPLATE_IDS } from '../support/wechat-official-harness';

const ADMIN_TOKEN = 'admin-token-for-the-wechat-app-test';
const OWNERS = [
  { openid: 'oWxApp00001_lakeside_owner_a', name: '王先生' },
  { openid: 'oWxApp00002_lakeside_owner_b', name: '李女士' },
];

/** Two verified owners on WeChat who last wrote three days ago. */
async function seedSilentWechatOwners(connection: Connection): Promise<string[]> {
  const { owners, identities } = ownerModels(connection);
  const now = new Date();
  const inserted = await owners.insertMany(
    OWNERS.map((owner, i) => ({
      householdKey: `9/${901 + i}/1390000000${i}`,
      name: owner.name,
      building: '9',
      unit: String(901 + i),
      entrance: '',
      room: String(901 + i),
      phone: `1390000000${i}`,
      phoneLast4: `000${i}`,
      language: 'zh',
      verified: true,
      demo: false,
      source: 'import',
      createdAt: now,
      updatedAt: now,
    })),
  );
  await identities.insertMany(
    inserted.map((owner, i) =>
      verifiedIdentity({
        channel: 'wechat',
        platformUserId: OWNERS[i]!.openid,
        conversationId: OWNERS[i]!.openid,
        ownerId: String(owner._id),
        language: 'zh',
        at: new Date(now.getTime() - 72 * 3_600_000),
      }),
    ),
  );
  return inserted.map((owner) => String(owner._id));
}

async function until<T>(read: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the app with WECHATY_PUPPET=wechaty-puppet-mock and the Official Account API (app process)', () => {
  let fake: FakeWechatOfficial;
  let ownerIds: string[] = [];
  beforeAll(async () => {
    fake = await startFakeWechatOfficial({ templates: FAKE_TEMPLATES });
    fake.unsubscribe(OWNERS[1]!.openid);
  });
  const { app, database, base } = useAppProcess({
    label: 'wechat-app',
    seed: async (connection) => {
      ownerIds = await seedSilentWechatOwners(connection);
    },
    env: () => ({
      WECHATY_PUPPET: 'wechaty-puppet-mock',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_API_ROOT: fake.apiRoot,
      WECHAT_TEMPLATE_SURVEY: TEMPLATE_IDS.survey,
      WECHAT_TEMPLATE_NOTICE: TEMPLATE_IDS.notice,
      ADMIN_TOKEN,
      QUIET_HOURS: 'off',
    }),
  });
  afterAll(() => fake.close());

  it('when the app starts, then it loads the puppet named by WECHATY_PUPPET and says which templates are on', () => {
    const channel = app().logs.find((line) => line.msg === 'Channel' && line.channel === 'wechat');
    expect(channel).toMatchObject({
      enabled: true,
      reason: `puppet wechaty-puppet-mock; Official Account ${fake.appId}, templates: survey, notice`,
    });
    expect(app().stderr()).not.toMatch(/Error/);
  });

  it('when outreach is queued for silent owners, then one gets a template and the unfollowed one is marked unreachable and shown on the desk', async () => {
    const outbox = createOutbox({ connection: database().connection, clock: systemClock });
    for (const [i, owner] of OWNERS.entries())
      await outbox.enqueue({
        key: `survey:2026Q4:${ownerIds[i]}`,
        address: { channel: 'wechat', conversationId: owner.openid },
        purpose: 'survey',
        ownerId: ownerIds[i]!,
        message: { text: '📋 季度业主满意度调查\n共 14 题', language: 'zh' },
      });
    const sent = await until(() => fake.templatesSent.find((one) => one.touser === OWNERS[0]!.openid));
    expect(sent).toMatchObject({
      template_id: TEMPLATE_IDS.survey,
      data: { thing2: { value: '季度业主满意度调查' } },
    });
    const { identities } = ownerModels(database().connection);
    await until(
      async () => (await identities.findOne({ key: `wechat:${OWNERS[1]!.openid}` }).lean())?.unreachable,
    );
    const desk = await until(async () => {
      const page = await fetch(`${base()}/desk`, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      }).then((response) => response.text());
      return page.includes('未送达') ? page : undefined;
    });
    // The staff's language (zh by default): one purpose, one reason, with the code for look-ups.
    expect(desk).toContain('<summary>未送达的业主（近 30 天）</summary>');
    expect(desk).toMatch(
      /<li>[^<]+: <b>1<\/b> — 已取消关注公众号 <span class="muted">\(wechat_unsubscribed\)<\/span><\/li>/,
    );
    // Logs never carry the secret or the access token.
    const logs = JSON.stringify(app().logs);
    expect(logs).not.toContain(fake.appSecret);
    expect(logs).not.toMatch(/ACCESS_TOKEN_\d/);
  }, 60_000);
});
