import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { findFreeLoopbackPort } from '../../services/database/free-port';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startFakeTelegram } from '../support/fake-telegram';

const SECRET = 'crash-run-webhook-secret';

/**
 * What a crash run ended with; `lost`, `duplicated`, `unanswered` and `stuck` must all be 0.
 * An entry dead-lettered as outcome unknown (its sender died during the send) may have reached
 * the platform once or not at all: it is counted in `outcomeUnknown`, never as lost or
 * duplicated; a second delivery of it would still be a duplicate.
 */
export interface CrashTallies {
  messages: number;
  kills: number;
  stored: number;
  handled: number;
  failed: number;
  cases: number;
  answersOnly: number;
  unanswered: number;
  outboxSent: number;
  outboxDead: number;
  deadWithoutReason: number;
  /** Dead-lettered because the sending process stopped during the send (delivered 0 or 1 times). */
  outcomeUnknown: number;
  /** Of those, how many the platform did receive. */
  outcomeUnknownDelivered: number;
  stuck: number;
  delivered: number;
  lost: number;
  duplicated: number;
  seconds: number;
  /** What went wrong, for the report: unhandled messages and duplicated sends. */
  problems: string[];
}

const TEXTS = [
  'The kitchen sink in my flat is blocked, please send a plumber',
  '厨房水管漏水了，麻烦派人来修一下',
  'How do I pay the property fee?',
  '物业费怎么交？',
  'Your receptionist was extremely rude to me today, unacceptable',
  '保安态度太差了，我要投诉',
  'Fire! Smoke is coming out of the electrical room',
  '电梯里有人被困住了！',
  'It would be nice to have more benches in the garden',
  'hello',
  '小区的路灯坏了好几天了',
  'When is the garbage collected?',
];

/** A small deterministic generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A scripted run of `messages` mixed owner messages over the Telegram webhook (the fake Bot
 * API on loopback; two chats have blocked the bot), while the app process is SIGKILLed at
 * random points `kills` times and restarted. Deliveries are retried until acknowledged, as
 * Telegram does. Ends when everything is handled and the outbox is drained, and counts:
 * every message stored once, handled, with a case or an answer; every outbox entry sent
 * exactly once (the fake's deliveries) or dead-lettered with a reason.
 */
export async function crashRun(options: {
  mongodbUri: string;
  messages: number;
  kills: number;
  seed?: number;
  timeoutMs?: number;
}): Promise<CrashTallies> {
  const started = Date.now();
  const rand = random(options.seed ?? 20261201);
  const telegram = await startFakeTelegram();
  const blocked = [3998, 3999];
  for (const chat of blocked) telegram.blockChat(chat);
  const port = await findFreeLoopbackPort();
  const env = {
    MONGODB_URI: options.mongodbUri,
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...telegram.webhookEnv(SECRET),
    HANDLING_LEASE_SECONDS: '3',
  };
  let app: AppProcess | undefined;
  const start = async (): Promise<AppProcess> => {
    app = await spawnApp(env);
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 90_000);
    return app;
  };
  try {
    return await script();
  } finally {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      await app.waitForExit(15_000).catch(() => app?.child.kill('SIGKILL'));
    }
    await telegram.close();
  }

  async function script(): Promise<CrashTallies> {
    let current = await start();

    // The script: mostly one message per chat, some owners write twice; two chats blocked us.
    const updates = Array.from({ length: options.messages }, (_, i) => {
      const chat =
        i < blocked.length ? (blocked[i] as number) : 3000 + (i % Math.ceil(options.messages * 0.8));
      return { update_id: 100_000 + i, ...telegram.textMessage(chat, TEXTS[i % TEXTS.length] as string) };
    });
    let next = 0;
    const deliverAll = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < updates.length) {
          const update = updates[next++];
          for (;;) {
            const status = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
              body: JSON.stringify(update),
              signal: AbortSignal.timeout(15_000),
            }).then(
              (response) => response.status,
              () => 0,
            );
            if (status === 200) break;
            await sleep(200); // down or failing: Telegram retries the same update
          }
        }
      }),
    );

    // Kills land while webhooks arrive, while messages are handled and while replies are sent.
    let kills = 0;
    while (kills < options.kills) {
      await sleep(300 + Math.floor(rand() * 2500));
      current.child.kill('SIGKILL');
      await current.waitForExit(10_000);
      kills++;
      current = await start();
    }
    await deliverAll;

    const connection = await mongoose.createConnection(options.mongodbUri).asPromise();
    const messages = connection.collection('messages');
    const outbox = connection.collection('outbox');
    try {
      const deadline = Date.now() + (options.timeoutMs ?? 120_000);
      // Done when all is handled and sent, or when nothing has moved for 20 s (several leases
      // and recovery sweeps): what is left then is stuck, and counted as such.
      let last = '';
      let lastChange = Date.now();
      for (;;) {
        const open = await messages.countDocuments({ status: 'received' });
        const sending = await outbox.countDocuments({ status: { $in: ['pending', 'sending'] } });
        if (open === 0 && sending === 0) break;
        const processed = await messages.countDocuments({ status: 'processed' });
        const now = `${open}/${sending}/${processed}`;
        if (now !== last) [last, lastChange] = [now, Date.now()];
        if (Date.now() > deadline || Date.now() - lastChange > 20_000) break;
        await sleep(500);
      }
      await sleep(1000);

      const stored = await messages.find({}).toArray();
      const entries = await outbox.find({}).toArray();
      const tickets = await connection
        .collection('tickets')
        .find({}, { projection: { _id: 1 } })
        .toArray();
      const caseIds = new Set(tickets.map((t) => String(t._id)));
      const replyKeys = new Set(entries.map((e) => String(e.key)));
      let cases = 0;
      let answersOnly = 0;
      let unanswered = 0;
      const problems: string[] = [];
      for (const message of stored.filter((m) => m.status !== 'processed')) {
        const lease = message.holder
          ? `held by ${String(message.holder)} until ${new Date(message.leaseUntil as Date).toISOString()}`
          : 'not held';
        problems.push(
          `message ${String(message._id)} left ${String(message.status)} after ${String(message.attempts)} attempts; ${lease}`,
        );
      }
      for (const message of stored) {
        const hasCase = message.caseId && caseIds.has(String(message.caseId));
        const prefix = `reply:telegram:${String(message.platformMessageId)}:`;
        const hasAnswer = [...replyKeys].some((key) => key.startsWith(prefix));
        if (hasCase) cases++;
        else if (hasAnswer) answersOnly++;
        else unanswered++;
      }
      // Sent entries against what the fake Bot API accepted, per chat and text; an entry whose
      // outcome is unknown may account for one delivery more.
      const textKey = (entry: (typeof entries)[number]) =>
        `${String(entry.address.conversationId)}\n${String(entry.message.text)}`;
      const isUnknown = (entry: (typeof entries)[number]) =>
        entry.status === 'dead' && String(entry.deadReason).startsWith('outcome_unknown');
      const expected = new Map<string, number>();
      const unknown = new Map<string, number>();
      for (const entry of entries.filter((e) => e.address.channel === 'telegram')) {
        const counts = entry.status === 'sent' ? expected : isUnknown(entry) ? unknown : undefined;
        counts?.set(textKey(entry), (counts.get(textKey(entry)) ?? 0) + 1);
      }
      const got = new Map<string, number>();
      for (const call of telegram.delivered) {
        const key = `${String(call.params.chat_id)}\n${String(call.params.text)}`;
        got.set(key, (got.get(key) ?? 0) + 1);
      }
      let lost = 0;
      let duplicated = 0;
      let outcomeUnknownDelivered = 0;
      for (const key of new Set([...expected.keys(), ...got.keys(), ...unknown.keys()])) {
        const want = expected.get(key) ?? 0;
        const mayHave = unknown.get(key) ?? 0;
        const have = got.get(key) ?? 0;
        outcomeUnknownDelivered += Math.min(mayHave, Math.max(0, have - want));
        if (have > want + mayHave) {
          duplicated += have - want - mayHave;
          const [chat, text] = key.split('\n');
          const entry = entries.find(
            (e) => String(e.address.conversationId) === chat && e.message.text === text,
          );
          problems.push(
            `sent ${have} times, ${want} expected (${mayHave} outcome unknown): entry ${String(entry?.key)} (generation ${String(entry?.generation)}, failures ${String(entry?.failures)})`,
          );
        }
        if (have < want) lost += want - have;
      }
      return {
        messages: options.messages,
        kills,
        stored: stored.length,
        handled: stored.filter((m) => m.status === 'processed').length,
        failed: stored.filter((m) => m.status === 'failed').length,
        cases,
        answersOnly,
        unanswered,
        outboxSent: entries.filter((e) => e.status === 'sent').length,
        outboxDead: entries.filter((e) => e.status === 'dead').length,
        deadWithoutReason: entries.filter((e) => e.status === 'dead' && !e.deadReason).length,
        outcomeUnknown: entries.filter(isUnknown).length,
        outcomeUnknownDelivered,
        stuck: entries.filter((e) => e.status === 'pending' || e.status === 'sending').length,
        delivered: telegram.delivered.length,
        lost,
        duplicated,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        problems,
      };
    } finally {
      await connection.close();
    }
  }
}
