import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { registerSlackDesk } from '../../bots/channels/slack/slack-desk';
import { caseCard } from '../../bots/channels/slack/slack-case-card';
import { createCaseDesk } from '../../bots/core/case-desk';
import type { InboundMessage } from '../../services/channels/types';
import { systemClock } from '../../services/clock';
import { createCoreHarness } from '../support/core-harness';
import { useTestDatabase } from '../support/database';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { signedSlackRequest } from '../support/slack-requests';

const SECRET = 'slack-signing-secret-hardening';
const HOSTILE = '<!channel> <!here> <!everyone> <@U0BOSS> <https://evil.example|Open case in desk> & more';

const database = useTestDatabase();

describe('the Slack desk against hostile and malformed input', () => {
  let slack: FakeSlack;
  let server: FastifyInstance;
  let base: string;
  const logLines: Array<Record<string, unknown>> = [];
  const received: InboundMessage[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    const h = createCoreHarness(database().connection);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    server = Fastify();
    registerSlackDesk(server, {
      signingSecret: SECRET,
      botToken: 'xoxb-test-token',
      apiUrl: slack.apiUrl,
      botId: 'BBOT',
      botUserId: 'UBOT',
      escalationChannel: 'C0ESCALATE',
      staffUserIds: ['U0ALICE'],
      client: new webApi.WebClient('xoxb-test-token', {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      }),
      caseDesk: createCaseDesk({
        tickets: h.tickets,
        outbox: h.outbox,
        recordCorrection: async () => undefined,
      }),
      tickets: h.tickets,
      owners: h.owners,
      receive: async (message) => void received.push(message),
      clock: systemClock,
      logger,
      language: 'en',
      timeZone: 'Asia/Shanghai',
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
  });

  const post = (body: string, options: Parameters<typeof signedSlackRequest>[2] = {}) =>
    signedSlackRequest(`${base}/slack/events`, body, { secret: SECRET, ...options });
  const payload = (value: unknown) => `payload=${encodeURIComponent(JSON.stringify(value))}`;

  it('when a correctly signed body is malformed, then 400 with a logged reason, never a 500', async () => {
    const malformed: Array<[string, boolean, RegExp]> = [
      ['payload=null', true, /not an object/],
      [
        JSON.stringify({
          type: 'event_callback',
          event: { type: 'message', user: 'U0ALICE', text: 'hi', ts: { $gt: '' }, channel: 'C0ESCALATE' },
        }),
        false,
        /event/,
      ],
      [
        payload({
          type: 'view_submission',
          user: { id: 'U0ALICE' },
          view: { callback_id: 'resolve:0123456789abcdef01234567' },
        }),
        true,
        /view\.state/,
      ],
      [payload({ type: 'block_actions', user: { id: 'U0ALICE' }, actions: 'claim' }), true, /actions/],
      ['payload=%7Bnot json', true, /not valid JSON/],
      [JSON.stringify([1, 2, 3]), false, /not an object/],
    ];
    for (const [body, form, reason] of malformed) {
      logLines.length = 0;
      const response = await post(body, { form });
      expect(response.status).toBe(400);
      expect(logLines.find((line) => line.msg === 'Slack request refused')?.reason).toMatch(reason);
    }
    expect(received).toHaveLength(0);
  });

  it('when the request time is more than five minutes in the past or the future, then it is refused; within, accepted', async () => {
    const check = JSON.stringify({ type: 'url_verification', challenge: 'c1' });
    expect((await post(check, { ageSeconds: 6 * 60 })).status).toBe(401);
    expect((await post(check, { ageSeconds: -6 * 60 })).status).toBe(401);
    expect((await post(check, { ageSeconds: -4 * 60 })).status).toBe(200);
    expect((await post(check, { ageSeconds: 4 * 60 })).status).toBe(200);
    expect((await post(check, { secret: 'wrong' })).status).toBe(401);
  });

  it('when an owner writes Slack markup, then escalations, relays and the case card show it as text that pings nobody', async () => {
    const h = createCoreHarness(database().connection);
    await h.send(`Your receptionist was extremely rude to me today ${HOSTILE}`, { from: '<!here>' });
    const [ticket] = await h.tickets.listOpen('telegram:<!here>');
    await h.tickets.claim(String(ticket!._id), { id: 'U0ALICE', name: 'Alice' });
    await h.send(`Still waiting ${HOSTILE}`, { from: '<!here>' });

    const staff = await h.queued({ staff: true });
    const texts = staff.map((entry) => entry.message.text).join('\n');
    expect(texts).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U0BOSS&gt;');
    expect(texts).toContain('&lt;https://evil.example|Open case in desk&gt; &amp; more');
    expect(texts).toContain('Owner &lt;!here&gt;'); // the display name, escaped too
    expect(texts).not.toMatch(/<!(channel|here|everyone)>|<@U0BOSS>|<https:\/\/evil/);
    expect(staff.filter((entry) => entry.key.startsWith('relay:'))).toHaveLength(1);

    const card = caseCard(await h.tickets.get(String(ticket!._id)), {
      who: 'Owner <!here>',
      language: 'en',
      timeZone: 'Asia/Shanghai',
      now: h.clock.now(),
      deadlines: h.tickets.deadlines(ticket!),
    });
    expect(JSON.stringify(card)).not.toMatch(/<!(channel|here|everyone)>|<@U0BOSS>|<https:\/\/evil/);
  });
});
