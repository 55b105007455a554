import pino from 'pino';
import { createFakeClock } from '../../../services/clock';
import { createOfficialAccountApi, type OfficialAccountApi } from '../../../services/wechat-official/api';
import { createAccessTokenStore } from '../../../services/wechat-official/access-token';
import { createOfficialSender } from '../../../services/wechat-official/official-sender';
import { useTestDatabase } from '../../support/database';
import { startFakeWechatOfficial, type FakeWechatOfficial } from '../../support/fake-wechat-official';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const TEMPLATE = 'SurveyTemplate_0123456789abcdef';

let fake: FakeWechatOfficial;
const clock = createFakeClock('2026-10-01T02:00:00Z');
let appCount = 0;

beforeAll(async () => {
  fake = await startFakeWechatOfficial({
    now: () => clock.now().getTime(),
    templates: { [TEMPLATE]: ['thing1', 'thing2', 'time3', 'thing4'] },
  });
});
afterAll(() => fake.close());

/** One app instance's view: its own API client, token cache and sender, on the shared database. */
function instance(
  api: OfficialAccountApi = createOfficialAccountApi({
    apiRoot: fake.apiRoot,
    appId: fake.appId,
    appSecret: fake.appSecret,
  }),
) {
  const tokens = createAccessTokenStore({
    connection: database().connection,
    api,
    clock,
    logger,
    instanceId: `instance-${++appCount}`,
    settings: { pollMs: 10 },
  });
  const sender = createOfficialSender({
    api,
    tokens,
    clock,
    logger,
    settings: {
      templates: {
        survey: {
          id: TEMPLATE,
          fields: [
            { key: 'thing1', value: 'title' },
            { key: 'thing2', value: 'summary' },
            { key: 'time3', value: 'time' },
            { key: 'thing4', value: 'action' },
          ],
        },
      },
      timeZone: 'Asia/Shanghai',
    },
  });
  return { tokens, sender };
}

describe('the shared Official Account access token', () => {
  it('when several instances need a token at once, then the platform is asked once and all use that token', async () => {
    const before = fake.tokenRequests();
    const instances = [instance(), instance(), instance()];
    const tokens = await Promise.all(instances.flatMap(({ tokens }) => [tokens.current(), tokens.current()]));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokenRequests() - before).toBe(1);
    // Cached: more sends ask nobody.
    await Promise.all(instances.map(({ tokens }) => tokens.current()));
    expect(fake.tokenRequests() - before).toBe(1);
  });

  it('when the token nears its expiry, then one instance refreshes it early and the others keep working meanwhile', async () => {
    const [a, b] = [instance(), instance()];
    const first = await a.tokens.current();
    const before = fake.tokenRequests();
    clock.advance(2 * 3_600_000 - 3 * 60_000); // 3 minutes before the two hours are over
    const [fromA, fromB] = await Promise.all([a.tokens.current(), b.tokens.current()]);
    expect(fake.tokenRequests() - before).toBe(1);
    const next = await b.tokens.current();
    expect(next).not.toBe(first);
    expect([fromA, fromB]).toContain(next);
  });

  it('when the platform refuses the token mid-send on two instances, then it is refreshed once and both sends go through once', async () => {
    const [a, b] = [instance(), instance()];
    await a.tokens.current();
    await b.tokens.current();
    fake.expireCurrentToken();
    const beforeTokens = fake.tokenRequests();
    const beforeSent = fake.templatesSent.length;
    await Promise.all([
      a.sender.sendTemplate('oOwnerA', { purpose: 'survey', text: '季度业主满意度调查', language: 'zh' }),
      b.sender.sendTemplate('oOwnerB', { purpose: 'survey', text: '季度业主满意度调查', language: 'zh' }),
    ]);
    expect(fake.tokenRequests() - beforeTokens).toBe(1);
    expect(
      fake.templatesSent
        .slice(beforeSent)
        .map((sent) => sent.touser)
        .sort(),
    ).toEqual(['oOwnerA', 'oOwnerB']);
    const refused = fake.calls.filter((call) => call.errcode === 42001).length;
    expect(refused).toBe(2);
  });

  it('when the platform refuses a token that its normal mode still hands out, then a forced refresh replaces it', async () => {
    const { tokens, sender } = instance();
    await tokens.current();
    const before = fake.calls.length;
    fake.failNext('/cgi-bin/message/template/send', 40001, 'invalid credential');
    await sender.sendTemplate('oOwnerC', { purpose: 'survey', text: 'Quarterly survey', language: 'en' });
    const tokenCalls = fake.calls.slice(before).filter((call) => call.path === '/cgi-bin/stable_token');
    expect(tokenCalls.map((call) => call.body.force_refresh)).toEqual([false, true]);
    expect(fake.templatesSent.at(-1)).toMatchObject({ touser: 'oOwnerC' });
  });

  it("when the server's IP is not in the allow-list, then the send fails with a reason that says so, to be retried", async () => {
    const { sender } = instance();
    fake.expireCurrentToken();
    fake.failNext('/cgi-bin/stable_token', 40164, 'invalid ip 203.0.113.7, not in whitelist');
    const failure = await sender
      .sendTemplate('oOwnerD', { purpose: 'survey', text: 'Quarterly survey', language: 'en' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'wechat_ip_not_allowed', kind: 'network' });
    expect(String((failure as Error).message)).toContain(
      "this server's IP address is not in the Official Account's IP allow-list",
    );
  });
});
