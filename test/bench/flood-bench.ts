import pino from 'pino';
import { startCore } from '../../bots/core/core';
import { loadConfig } from '../../services/config/load-config';
import { createMetrics } from '../../services/metrics/metrics';
import { createFakeChannel } from '../support/fake-channel';
import { crashRun } from '../faults/crash-run';
import { format, type startBenchDatabase } from './bench-database';

type Databases = Awaited<ReturnType<typeof startBenchDatabase>>;

const TEXTS = [
  'The kitchen sink in my flat is blocked, please send a plumber',
  '楼道的灯坏了，麻烦尽快修一下',
  'How do I pay the property fee?',
  '今天停水了吗？什么时候恢复？',
  'The lift on the east side is making a loud noise',
];

const number = (value: string | undefined, fallback: number) =>
  value && /^\d+$/.test(value) ? Number(value) : fallback;

/**
 * A burst of `owners x perOwner` messages (default 1,000 x 5 = 5,000) stored as fast as the
 * webhooks would, through the real core (flood guard, dialog, outbox, dispatcher) with a
 * Telegram-like fake channel: how long the intake takes (what platforms wait for) and how
 * long the backlog takes to drain (every message handled, every reply sent).
 * BENCH_FLOOD_OWNERS and BENCH_FLOOD_PER_OWNER scale it; BENCH_FLOOD_TIMEOUT_S (default 1,800)
 * bounds the wait, after which it prints TIMED OUT and how far the drain got.
 */
export async function benchFlood(databases: Databases): Promise<void> {
  const owners = number(process.env.BENCH_FLOOD_OWNERS, 1000);
  const perOwner = number(process.env.BENCH_FLOOD_PER_OWNER, 5);
  const total = owners * perOwner;
  const timeoutS = number(process.env.BENCH_FLOOD_TIMEOUT_S, 1800);
  const database = await databases.open('flood');
  const core = await startCore({
    config: loadConfig({ MONGODB_URI: 'mongodb://bench', LOG_LEVEL: 'silent' }),
    connection: database.connection,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
  });
  const channel = createFakeChannel({
    name: 'telegram',
    rateLimit: { perSecond: 30, perConversationPerSecond: 1 },
  });
  core.registerAdapter(channel);
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          const i = next++;
          const owner = i % owners;
          await core.inbound.receive({
            channel: 'telegram',
            platformMessageId: `flood-${i}`,
            conversationId: `chat-${owner}`,
            sender: { id: `owner-${owner}` },
            text: TEXTS[(owner + Math.floor(i / owners)) % TEXTS.length] as string,
            attachments: [],
            receivedAt: new Date(),
          });
        }
      }),
    );
    const intake = (performance.now() - started) / 1000;
    // Bounded: a drain that cannot finish prints TIMED OUT with how far it got, not a hang.
    const deadline = started + timeoutS * 1000;
    const messages = database.connection.collection('messages');
    const openMessages = () => messages.countDocuments({ status: 'received' });
    const waitUntil = async (done: () => Promise<boolean>): Promise<boolean> => {
      while (!(await done())) {
        if (performance.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return true;
    };
    let finished = await waitUntil(async () => core.inbound.backlog === 0);
    // Handling that failed once is retried by recover(), as the app's sweep would.
    while (finished && (await openMessages()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await core.inbound.recover();
      finished = performance.now() < deadline && (await waitUntil(async () => core.inbound.backlog === 0));
    }
    const handled = (performance.now() - started) / 1000;
    finished &&= await waitUntil(async () => {
      const stats = await core.outbox.stats();
      return stats.pending === 0 && stats.sending === 0;
    });
    const drained = (performance.now() - started) / 1000;
    const held = await messages.countDocuments({ outcome: 'flood_held' });
    const processed = await messages.countDocuments({ status: 'processed' });
    const cases = await database.connection.collection('tickets').countDocuments({});
    const lines = [
      `flood (${total} messages from ${owners} owners, real core and engine, Telegram-like fake 30/s)`,
      `  intake (all stored, webhooks answered) ${format(intake, 1)} s (${format(total / intake, 0)} messages/s)`,
    ];
    if (finished) {
      lines.push(
        `  backlog handled                  ${format(handled, 1)} s after the burst began (${format(total / handled, 1)} messages/s)`,
        `  drained (every reply sent)       ${format(drained, 1)} s after the burst began: drain time ${format(drained - intake, 1)} s`,
        `  ${channel.sent.length} replies, ${cases} cases, ${held} held by the flood guard`,
      );
    } else {
      const stats = await core.outbox.stats();
      lines.push(
        `  TIMED OUT after ${format(timeoutS, 0)} s (BENCH_FLOOD_TIMEOUT_S): ${processed} of ${total} messages handled, ${stats.pending + stats.sending} replies not sent yet`,
        `  so far: ${channel.sent.length} replies, ${cases} cases, ${held} held by the flood guard`,
      );
      // The rest stays stored as received; nothing waits for it.
      await core.inbound.release();
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await core.stop();
  }
}

/**
 * The crash run of test/faults/crash-run.ts at bench size (BENCH_CRASH_MESSAGES, default
 * 1,000, and BENCH_CRASH_KILLS, default 10): tallies of lost and duplicated effects.
 */
export async function benchCrashRun(databases: Databases): Promise<void> {
  const messages = number(process.env.BENCH_CRASH_MESSAGES, 1000);
  const kills = number(process.env.BENCH_CRASH_KILLS, 10);
  const database = await databases.open('crash');
  const uri =
    process.env.MONGODB_URI ??
    `mongodb://${database.connection.host}:${database.connection.port}/${database.connection.name}`;
  const tallies = await crashRun({ mongodbUri: uri, messages, kills, timeoutMs: 600_000 });
  process.stdout.write(
    [
      `crash and restart (${messages} mixed Telegram messages, app SIGKILLed ${tallies.kills} times, ${format(tallies.seconds, 0)} s)`,
      `  messages stored / handled / failed      ${tallies.stored} / ${tallies.handled} / ${tallies.failed}`,
      `  with a case / answered / neither        ${tallies.cases} / ${tallies.answersOnly} / ${tallies.unanswered}`,
      `  outbox sent / dead (with reason) / stuck ${tallies.outboxSent} / ${tallies.outboxDead - tallies.deadWithoutReason} / ${tallies.stuck}`,
      `  platform deliveries lost / duplicated   ${tallies.lost} / ${tallies.duplicated}`,
      `  outcome unknown (dead) / of them arrived ${tallies.outcomeUnknown} / ${tallies.outcomeUnknownDelivered}`,
      ...tallies.problems.slice(0, 10).map((problem) => `  ! ${problem}`),
    ].join('\n') + '\n',
  );
}
