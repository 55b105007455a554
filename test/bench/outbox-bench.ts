import pino from 'pino';
import { systemClock } from '../../services/clock';
import type { ChannelAdapter, ChannelName } from '../../services/channels/types';
import { createDispatcher } from '../../services/outbox/dispatcher';
import { createOutbox } from '../../services/outbox/outbox';
import { outboxModels } from '../../services/outbox/outbox-model';
import { createFakeChannel } from '../support/fake-channel';
import { format, type startBenchDatabase } from './bench-database';

const logger = pino({ level: 'silent' });

/**
 * Outbox figures: the rate achieved against a fake platform limit of 50/s
 * (no 429 after warm-up), and two dispatchers on one database delivering 1,000 entries with
 * each sent exactly once.
 */
export async function benchOutbox(databases: Awaited<ReturnType<typeof startBenchDatabase>>): Promise<void> {
  await rateAgainstLimit(databases);
  await twoDispatchers(databases);
}

async function rateAgainstLimit(databases: Awaited<ReturnType<typeof startBenchDatabase>>) {
  const database = await databases.open('outbox_rate');
  const channel = createFakeChannel({ name: 'telegram', rateLimit: { perSecond: 50 } });
  const outbox = createOutbox({ connection: database.connection, clock: systemClock });
  const count = 500;
  for (let i = 0; i < count; i++) {
    await outbox.enqueue({
      key: `bench-rate:${i}`,
      address: { channel: 'telegram', conversationId: `chat-${i}` },
      message: { text: `notice ${i}` },
      purpose: 'notification',
    });
  }
  const dispatcher = createDispatcher({
    connection: database.connection,
    adapters: new Map<ChannelName, ChannelAdapter>([['telegram', channel]]),
    clock: systemClock,
    logger,
    limits: { telegram: { perSecond: 50, perConversationPerSecond: 1 } },
    pollIntervalMs: 20,
  });
  const started = performance.now();
  dispatcher.start();
  await channel.waitForSent(count, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop();
  // Warm-up: the first 50 sends (the first second, and the first claim pass).
  const warmUp = 50;
  const times = channel.sent.map((delivery) => delivery.at.getTime()).slice(warmUp);
  const rate = ((times.length - 1) / ((times.at(-1) as number) - (times[0] as number))) * 1000;
  const firstMeasured = times[0] as number;
  const throttled = channel.requests.filter((request) => request.outcome === 'rate_limited');
  const afterWarmUp = throttled.filter((request) => request.at.getTime() >= firstMeasured).length;
  process.stdout.write(
    [
      `outbox pacing (fake platform limit 50/s, ${count} entries, ${format(seconds, 1)} s)`,
      `  achieved rate                    ${format(rate, 1)}/s = ${format((rate / 50) * 100, 1)}% of the limit (target >= 90%)`,
      `  429 answers after warm-up        ${afterWarmUp} (target 0; ${throttled.length} in all)`,
    ].join('\n') + '\n',
  );
}

async function twoDispatchers(databases: Awaited<ReturnType<typeof startBenchDatabase>>) {
  const first = await databases.open('outbox_two');
  const second = await databases.open('outbox_two_b');
  // Both dispatchers must see the same database: reopen the second on the first's name.
  const sameDatabase = second.connection.useDb(first.connection.name, { useCache: false });
  const channel = createFakeChannel({ name: 'web' });
  const outbox = createOutbox({ connection: first.connection, clock: systemClock });
  const count = 1000;
  for (let start = 0; start < count; start += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        outbox.enqueue({
          key: `bench-two:${start + i}`,
          address: { channel: 'web', conversationId: `session-${start + i}` },
          message: { text: `message ${start + i}` },
          purpose: 'notification',
        }),
      ),
    );
  }
  const make = (connection: typeof first.connection, instanceId: string) =>
    createDispatcher({
      connection,
      adapters: new Map<ChannelName, ChannelAdapter>([['web', channel]]),
      clock: systemClock,
      logger,
      instanceId,
      batchSize: 50,
      pollIntervalMs: 20,
      limits: { web: { perSecond: Infinity, perConversationPerSecond: Infinity } },
    });
  const a = make(first.connection, 'bench-a');
  const b = make(sameDatabase, 'bench-b');
  const started = performance.now();
  a.start();
  b.start();
  await channel.waitForSent(count, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show
  await Promise.all([a.stop(), b.stop()]);
  const texts = channel.texts();
  const { entries } = outboxModels(first.connection);
  const sentInDb = await entries.countDocuments({ status: 'sent' });
  const left = (await entries.countDocuments({})) - sentInDb;
  process.stdout.write(
    [
      'outbox, two dispatchers on one database (1,000 entries)',
      `  delivered                        ${texts.length} sends, ${new Set(texts).size} distinct, ${sentInDb} recorded sent, ${left} left (target: 1,000 each, none left)`,
      `  time                             ${format(seconds, 1)} s (${format(count / seconds, 1)}/s)`,
    ].join('\n') + '\n',
  );
}
