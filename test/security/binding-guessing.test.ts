import pino from 'pino';
import { createSessionIds } from '../../bots/channels/web/session-ids';
import { createWebChat } from '../../bots/channels/web/web-chat';
import { createHttpServer } from '../../bots/http/server';
import { createAttachmentStore } from '../../services/attachments/attachment-store';
import { createFakeClock } from '../../services/clock';
import { messageModel } from '../../services/messages/message-model';
import { createMessageStore } from '../../services/messages/message-store';
import { createMetrics } from '../../services/metrics/metrics';
import {
  DEFAULT_ADDRESS_LIMITS,
  DEFAULT_UNIT_LIMITS,
  pauseAfter,
} from '../../services/owners/binding-guard-rules';
import { bindingCounterModel } from '../../services/owners/binding-guard-store';
import { createCoreHarness } from '../support/core-harness';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();
const MINUTE = 60_000;
const OWNER_FILE =
  'name,building,unit,phone,language\n张伟,5,2-1203,13800138000,zh\nTom Reed,7,2-301,13900005678,en\n';
const MISMATCH = '不一致';

type Harness = ReturnType<typeof createCoreHarness>;
let sessions = 0;

/**
 * A web chat session (new unless `from` is given) that asks to bind, names the unit and, when
 * asked for them, the digits, from `address`. The reply is the binding's last answer.
 */
async function guessFromNewSession(
  h: Harness,
  unit: string,
  digits: string,
  address: string,
  from = `guess-${++sessions}`,
) {
  const say = async (text: string) => {
    await h.deliverAndWait({ ...h.message(text, { from, channel: 'web' }), clientAddress: address });
    return (await h.replies(from)).at(-1) ?? '';
  };
  await say('绑定');
  const asked = await say(unit);
  const reply = /后四位|last four digits/.test(asked) ? await say(digits) : asked;
  return { from, reply };
}

/** Wrong four-digit answers that are never the owner's 8000. */
const wrongDigits = (i: number) => String(1000 + i).padStart(4, '0');

describe('home-link takeover by guessing the phone digits (message path, real engine)', () => {
  beforeEach(async () => {
    await bindingCounterModel(database().connection).deleteMany({});
  });

  it('when one address opens a new session for every guess, then at most a handful are compared in two hours and the right digits then get nowhere', async () => {
    const h = createCoreHarness(database().connection);
    await h.owners.importCsv(OWNER_FILE);
    const replies: string[] = [];
    for (let i = 0; i < 40; i++) {
      replies.push((await guessFromNewSession(h, '5-2-1203', wrongDigits(i), '203.0.113.66')).reply);
      h.clock.advance(3 * MINUTE);
    }

    const compared = replies.filter((reply) => reply.includes(MISMATCH));
    expect(compared.length).toBeGreaterThanOrEqual(3);
    expect(compared.length).toBeLessThanOrEqual(7);
    const last = await guessFromNewSession(h, '5-2-1203', '8000', '203.0.113.66');
    expect(last.reply).not.toContain('验证成功');
    expect((await h.owners.identityByKey(`web:${last.from}`))?.verified).toBe(false);
  }, 120_000);

  it('when every guess on one unit comes from a different address, then the unit alone stops them', async () => {
    const h = createCoreHarness(database().connection);
    await h.owners.importCsv(OWNER_FILE);
    const replies: string[] = [];
    for (let i = 0; i < 30; i++) {
      replies.push((await guessFromNewSession(h, '5-2-1203', wrongDigits(i), `198.51.100.${i + 1}`)).reply);
      h.clock.advance(MINUTE);
    }

    expect(replies.filter((reply) => reply.includes(MISMATCH)).length).toBeLessThanOrEqual(6);
    expect(replies.at(-1)).toContain('身份验证已暂停');
    const owner = await guessFromNewSession(h, '5-2-1203', '8000', '192.0.2.200');
    expect(owner.reply).toContain('身份验证已暂停');
  }, 120_000);

  it('when a unit is locked out, then the reply says where to get help and nothing about which answer was wrong or whether the unit exists', async () => {
    const h = createCoreHarness(database().connection);
    await h.owners.importCsv(OWNER_FILE);
    let english = 0;
    /** Locks `unit` out by six failures an hour apart; then what a Chinese and an English owner read. */
    const lockOut = async (unit: string) => {
      for (let i = 0; i < 6; i++) {
        if (i > 0) h.clock.advance(60 * MINUTE);
        await guessFromNewSession(h, unit, wrongDigits(i), `192.0.2.${sessions % 250}`);
      }
      const zh = (await guessFromNewSession(h, unit, '5678', '192.0.2.251')).reply;
      const from = `guess-en-${++english}`;
      await h.send('English', { from, channel: 'web' });
      const en = (await guessFromNewSession(h, unit, '5678', '192.0.2.252', from)).reply;
      return { zh, en };
    };

    const onFile = await lockOut('7-2-301');
    const notOnFile = await lockOut('7-2-302');

    expect(onFile).toEqual(notOnFile);
    expect(onFile.zh).toBe(
      '为保护业主信息，身份验证已暂停，请60分钟后再试。如需帮助，请到物业服务中心或致电物业（值班电话：0571-8000-0110），工作人员核实您的身份后可以为您解除暂停；如果您的登记信息有变化，也请一并更新。',
    );
    for (const telling of ['房号', '手机', '后四位', '不一致', '没有', '不存在'])
      expect(onFile.zh).not.toContain(telling);
    expect(onFile.en).toContain('visit or call the property service centre (duty line 0571-8000-0110)');
    expect(onFile.en).not.toMatch(/digit|phone number|address|unit|room|not on file/i);
  }, 120_000);

  it('when an attacker spends a month on one unit, then the schedule admits too few guesses to find four digits', () => {
    // The best an attacker can do: try the moment each pause ends, from addresses never seen before.
    let failures = 0;
    let at = 0;
    const month = 30 * 24 * 60 * MINUTE;
    while (at < month) {
      failures++;
      at += pauseAfter(failures, DEFAULT_UNIT_LIMITS)?.ms ?? 0;
    }
    expect(failures).toBeLessThan(40); // of 10,000 possible endings
    expect(pauseAfter(DEFAULT_ADDRESS_LIMITS.lockAfter, DEFAULT_ADDRESS_LIMITS)?.kind).toBe('locked');
  });
});

describe('the web chat carries the client address to the binding step', () => {
  async function storedAddressOf(trustedProxies: string[], forwardedFor: string) {
    const { connection } = database();
    const clock = createFakeClock();
    const logger = pino({ level: 'silent' });
    const server = createHttpServer({
      logger,
      metrics: createMetrics(),
      database: database(),
      trustedProxies,
    });
    const sessionIds = await createSessionIds(connection);
    const webChat = createWebChat({
      connection,
      clock,
      logger,
      sessionIds,
      limits: null,
      attachments: createAttachmentStore({ connection, clock }),
    });
    webChat.routes(server);
    const messages = createMessageStore({ connection });
    await webChat.adapter.start(async (message) => {
      await messages.store(message);
    });
    const sessionId = sessionIds.issue().sessionId;
    const response = await server.inject({
      method: 'POST',
      url: '/chat/messages',
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { sessionId, clientMessageId: 'bind-1', text: '5-2-1203' },
    });
    expect(response.statusCode).toBe(202);
    const stored = await messageModel(connection)
      .findOne({ conversationId: sessionId.slice(0, 22) })
      .lean();
    await server.close();
    return stored?.clientAddress;
  }

  it('when a trusted proxy names the client, then the stored message carries that address; otherwise the socket’s', async () => {
    expect(await storedAddressOf(['127.0.0.1'], '198.51.100.23')).toBe('198.51.100.23');
    expect(await storedAddressOf([], '198.51.100.23')).toBe('127.0.0.1');
  });
});
