import pino from 'pino';
import { loadConfig } from '../../../services/config/load-config';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { ownerModels } from '../../../services/owners/owner-model';
import { runSurveyStatus } from '../../../services/surveys/survey-commands';
import { surveyModels } from '../../../services/surveys/survey-model';
import { campaignIdOf } from '../../../services/surveys/survey-service';
import { FOLLOW_AFTER_MS } from '../../../services/wechat-official/template-follow-up';
import { useTestDatabase } from '../../support/database';
import { startFakeWechatOfficial, type FakeWechatOfficial } from '../../support/fake-wechat-official';
import { captureOutput } from '../../support/output';
import {
  createWechatOfficialHarness,
  FAKE_TEMPLATES,
  TEMPLATE_IDS,
} from '../../support/wechat-official-harness';

const database = useTestDatabase();
const QUARTER = '2026Q4';
const OWNERS = 200;

describe('a quarterly survey to 200 WeChat owners, half silent for over 48 hours (two instances)', () => {
  let fake: FakeWechatOfficial;
  let w: Awaited<ReturnType<typeof createWechatOfficialHarness>>;
  let owners: Array<{ openid: string; ownerId: string; silent: boolean }>;

  beforeAll(async () => {
    let now = () => Date.now();
    fake = await startFakeWechatOfficial({ now: () => now(), templates: FAKE_TEMPLATES });
    w = await createWechatOfficialHarness(database().connection, fake);
    now = () => w.h.clock.now().getTime();
    owners = await w.seedOwners(OWNERS, { silentHours: 72, activeHours: 3 });
    fake.unsubscribe(owners[0]!.openid); // silent, and no longer follows the account
    fake.markOutOfWindow(owners[1]!.openid); // we think the window is open; WeChat says it closed

    const surveys = w.surveys();
    const { campaign } = await surveys.startCampaign(QUARTER);
    const report = await surveys.sendCampaign(campaign._id);
    expect(report.queued).toBe(OWNERS);
    // Two instances send at once; the token expires a third of the way through.
    const second = w.instance('instance-b', 20);
    const first = w.instance('instance-a2', 20);
    fake.expireCurrentTokenAfterSends(70);
    await w.drain([first, second]);
  }, 120_000);
  afterAll(async () => {
    await w.stop();
    await fake.close();
  });

  it('then every owner is asked exactly once: a customer-service message inside the window, a template outside it', () => {
    const received = new Map<string, number>();
    for (const sent of [...fake.templatesSent, ...fake.textsSent])
      received.set(sent.touser, (received.get(sent.touser) ?? 0) + 1);
    const reachable = owners.filter((_, i) => i !== 0);
    expect(reachable.every((owner) => received.get(owner.openid) === 1)).toBe(true);
    expect(received.has(owners[0]!.openid)).toBe(false);
    const byTemplate = new Set(fake.templatesSent.map((sent) => sent.touser));
    expect(reachable.filter((owner) => owner.silent).every((owner) => byTemplate.has(owner.openid))).toBe(
      true,
    );
    expect(byTemplate.has(owners[1]!.openid)).toBe(true); // the platform's 45015: a template after all
    expect(fake.templatesSent).toHaveLength(100);
    expect(fake.textsSent).toHaveLength(99);
    expect(w.puppetSaid).toEqual([]);
  });

  it("then the template says what is asked and invites a reply, in the owner's language", () => {
    const zh = fake.templatesSent.find((sent) => sent.touser === owners[2]!.openid);
    expect(zh).toMatchObject({ template_id: TEMPLATE_IDS.survey });
    expect(zh?.data).toEqual({
      thing1: { value: '业主满意度调查' },
      thing2: { value: '季度业主满意度调查' },
      time3: { value: expect.stringMatching(/^2026年11月22日 \d\d:\d\d$/) },
      thing4: { value: '回复“好”即可开始作答' },
    });
    const en = fake.templatesSent.find((sent) => sent.touser === owners[6]!.openid);
    expect(en?.data.thing4).toEqual({ value: 'Reply OK to begin' });
  });

  it('then a token expiring mid-campaign was refreshed once for both instances, and no send was lost or doubled', async () => {
    expect(fake.tokenRequests()).toBe(2);
    expect(fake.calls.filter((call) => call.errcode === 42001).length).toBeGreaterThan(0);
    expect(await w.first.tokens.refreshCount()).toBe(2);
    const { entries } = outboxModels(database().connection);
    const dead = await entries.find({ status: 'dead' }).lean();
    expect(dead.map((entry) => entry.deadReason)).toEqual([expect.stringContaining('wechat_unsubscribed')]);
    expect(await entries.countDocuments({ status: 'pending' })).toBe(0);
  });

  it('then the unsubscribed owner is marked unreachable, and survey status counts who was reached and who not, and why', async () => {
    const { identities } = ownerModels(database().connection);
    const identity = await identities.findOne({ key: `wechat:${owners[0]!.openid}` }).lean();
    expect(identity).toMatchObject({ unreachable: true, unreachableReason: 'wechat_unsubscribed' });
    const output = captureOutput();
    await runSurveyStatus({
      connection: database().connection,
      config: loadConfig({ QUIET_HOURS: 'off' }),
      out: output.out,
      logger: pino({ level: 'silent' }),
      clock: w.h.clock,
      quarter: QUARTER,
    });
    expect(output.text()).toContain('asked 200: not started 200');
    expect(output.text()).toContain(
      'reached 199 (100 by WeChat template message), not reached 1, on the way 0',
    );
    expect(output.text()).toContain('not reached: 1 wechat_unsubscribed (unfollowed the Official Account)');
  });

  it('when an owner answers the template, then the survey continues as a normal conversation', async () => {
    const owner = owners[2]!; // silent, Chinese
    const [first] = await w.ownerSays(owner.openid, '好');
    expect(first).toContain('季度业主满意度调查');
    expect(first).toContain('（第 1/14 题）');
    expect(first).toMatch(/1\. 1 很差/);
    const [second] = await w.ownerSays(owner.openid, '4');
    expect(second).toContain('（第 2/14 题）');
    const { Responses } = surveyModels(database().connection);
    expect(await Responses.findById(`${campaignIdOf(QUARTER)}:${owner.ownerId}`).lean()).toMatchObject({
      status: 'partial',
      nextQuestion: 1,
    });
  }, 60_000);

  it('when an owner inside the window answers, then the next question follows at once', async () => {
    const owner = owners[3]!; // active: got the first question itself
    const [next] = await w.ownerSays(owner.openid, '5');
    expect(next).toContain('(question 2 of 14)');
  }, 60_000);

  it('when a silent owner writes about something else, then that is handled first and the survey question follows', async () => {
    const owner = owners[4]!;
    const replies = await w.ownerSays(owner.openid, '楼道的灯坏了，麻烦派人来修一下');
    expect(replies).toEqual([expect.stringMatching(/已收到您的报修/)]);
    const before = fake.textsSent.length;
    w.h.clock.advance(FOLLOW_AFTER_MS);
    await w.drain();
    expect(fake.textsSent.slice(before).map((sent) => sent.content)).toEqual([
      expect.stringContaining('（第 1/14 题）'),
    ]);
    expect(fake.templatesSent.filter((sent) => sent.touser === owner.openid)).toHaveLength(1);
  }, 60_000);
});
