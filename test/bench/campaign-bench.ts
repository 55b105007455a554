import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { PROJECT_ROOT } from '../../nlp/project-root';
import { trusted } from '../../services/database/connect';
import { outboxModels } from '../../services/outbox/outbox-model';
import { surveyModels } from '../../services/surveys/survey-model';
import { seedTelegramOwners } from '../support/telegram-owners';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';
import { format, type startBenchDatabase } from './bench-database';

type Databases = Awaited<ReturnType<typeof startBenchDatabase>>;

const OWNERS = 2000;
/** Telegram's broadcast limit, enforced by the fake Bot API (429, retry_after 1, above it). */
const ALLOWED_PER_SECOND = 30;
const seedOwners = (connection: Connection) =>
  seedTelegramOwners(connection, { count: OWNERS, firstChat: 100000, buildings: 20, phonePrefix: '1380000' });
const QUARTER = '2026Q4';

/**
 * Campaign figures: a survey campaign for 2,000 owners on the fake Telegram with
 * a 30/s platform limit, (1) one instance: the achieved rate against the allowed one and
 * the 429s after warm-up; (2) two instances on one database, one SIGKILLed halfway: the
 * rate they reach together and every owner messaged exactly once. Instances are processes
 * of their own (campaign-worker.ts), as in production: the fake platform's clock then
 * runs in a process that does nothing else, so a busy instance cannot bunch its arrivals.
 */
export async function benchCampaign(databases: Databases): Promise<void> {
  await oneInstance(databases);
  await twoInstancesOneKilled(databases);
}

const acceptedSends = (fake: FakeTelegram) =>
  fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200);
const throttled = (fake: FakeTelegram, after = 0) =>
  fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 429 && c.at >= after).length;
const distinctChats = (fake: FakeTelegram) =>
  new Set(acceptedSends(fake).map((c) => String(c.params.chat_id))).size;

/** Sends per second between the first accepted send after `from` and the last before `to`. */
function rateBetween(fake: FakeTelegram, from: number, to = Infinity): number {
  const times = acceptedSends(fake)
    .map((c) => c.at)
    .filter((at) => at >= from && at <= to);
  if (times.length < 2) return 0;
  return ((times.length - 1) / ((times.at(-1) as number) - (times[0] as number))) * 1000;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

export async function oneInstance(databases: Databases): Promise<void> {
  const fake = await startFakeTelegram(undefined, { sendsPerSecond: ALLOWED_PER_SECOND });
  const database = await databases.open('campaign_one');
  await seedOwners(database.connection);
  const started = performance.now();
  const worker = startWorker(database.connection, fake, ALLOWED_PER_SECOND, 'bench-one');
  const done = await waitUntil(() => distinctChats(fake) >= OWNERS, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000)); // room for a late duplicate to show
  worker.kill('SIGTERM');
  const first = acceptedSends(fake)[0]?.at ?? 0;
  const warm = first + 1000; // warm-up: the first second fills the limiter's and the platform's window
  const rate = rateBetween(fake, warm);
  const sends = acceptedSends(fake).length;
  process.stdout.write(
    [
      `survey campaign, one instance (${format(OWNERS)} owners, fake Telegram limit ${ALLOWED_PER_SECOND}/s)`,
      `  delivered                        ${format(distinctChats(fake))} owners${done ? '' : ' (TIMED OUT)'} in ${format(seconds, 1)} s from the start (queueing included)`,
      `  achieved rate after warm-up      ${format(rate, 1)}/s = ${format((rate / ALLOWED_PER_SECOND) * 100, 1)}% of the allowed rate (target >= 90%)`,
      `  429 answers after warm-up        ${throttled(fake, warm)} (target 0; ${throttled(fake)} in all)`,
      `  duplicates                       ${sends - distinctChats(fake)} (target 0)`,
    ].join('\n') + '\n',
  );
  await fake.close();
}

function startWorker(
  connection: Connection,
  fake: FakeTelegram,
  perSecond: number,
  instanceId: string,
): ChildProcess {
  const uri = `mongodb://${connection.host}:${connection.port}/`;
  // node itself with tsx's loader (not the tsx wrapper, which runs a child of its own), so
  // that SIGKILL really kills the instance.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'test/bench/campaign-worker.ts'),
      uri,
      connection.name,
      fake.apiRoot,
      fake.token,
      String(perSecond),
      instanceId,
      QUARTER,
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'ignore', 'inherit'],
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    },
  );
  return child;
}

export async function twoInstancesOneKilled(databases: Databases): Promise<void> {
  const fake = await startFakeTelegram(undefined, { sendsPerSecond: ALLOWED_PER_SECOND });
  const database = await databases.open('campaign_two');
  const connection = database.connection;
  await seedOwners(connection);
  // Both are configured with the platform's limit; they share it through the database.
  const started = performance.now();
  const a = startWorker(connection, fake, ALLOWED_PER_SECOND, 'bench-a');
  const b = startWorker(connection, fake, ALLOWED_PER_SECOND, 'bench-b');
  await waitUntil(() => acceptedSends(fake).length >= OWNERS / 2, 600_000);
  a.kill('SIGKILL');
  const killedAt = Date.now();
  // Done when every owner was messaged, or their entry is an outcome-unknown dead letter: the
  // killed instance was sending it, so it is not sent again (it may or may not have arrived).
  const { entries: outboxEntries } = outboxModels(connection);
  const unknownEntries = () =>
    outboxEntries
      .find(
        { purpose: 'survey', status: 'dead', deadReason: trusted({ $regex: '^outcome_unknown' }) },
        { address: 1 },
      )
      .lean();
  const settled = async () => {
    const unknown = await unknownEntries();
    const chats = new Set(acceptedSends(fake).map((c) => String(c.params.chat_id)));
    for (const entry of unknown) chats.add(String(entry.address.conversationId));
    return chats.size >= OWNERS;
  };
  let done = false;
  for (const deadline = Date.now() + 900_000; !done && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    done = await settled();
  }
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000)); // room for a late duplicate to show
  b.kill('SIGTERM');
  const first = acceptedSends(fake)[0]?.at ?? 0;
  const sends = acceptedSends(fake).length;
  const responses = await surveyModels(connection).Responses.countDocuments({
    campaignId: `quarterly:${QUARTER}`,
  });
  const unknown = await unknownEntries();
  const delivered = new Set(acceptedSends(fake).map((c) => String(c.params.chat_id)));
  const unknownDelivered = unknown.filter((e) => delivered.has(String(e.address.conversationId))).length;
  const entries = await outboxEntries.countDocuments({ purpose: 'survey' });
  const warm = first + 1000;
  const both = rateBetween(fake, warm, killedAt);
  const survivor = rateBetween(fake, killedAt);
  const overall = rateBetween(fake, warm);
  const percent = (rate: number) => `${format(rate, 1)}/s = ${format((rate / ALLOWED_PER_SECOND) * 100, 1)}%`;
  process.stdout.write(
    [
      `survey campaign, two instances on one database, one SIGKILLed after ${format(OWNERS / 2)} sends`,
      `  delivered                        ${format(distinctChats(fake))} owners${done ? '' : ' (TIMED OUT)'} in ${format(seconds, 1)} s; ${format(responses)} responses, ${format(entries)} outbox entries`,
      `  duplicates                       ${sends - distinctChats(fake)} (target 0: each owner messaged exactly once)`,
      `  outcome unknown                  ${unknown.length} (sends cut by the kill, not repeated; ${unknownDelivered} of them had arrived)`,
      `  rate after warm-up, whole run    ${percent(overall)} of the allowed ${ALLOWED_PER_SECOND}/s (target >= 90%)`,
      `  rate, both running               ${percent(both)}`,
      `  rate, survivor from the kill     ${percent(survivor)} (the dead one's claimed entries wait out its 10 s leases)`,
      `  429 answers after warm-up        ${throttled(fake, warm)} (target 0; ${throttled(fake)} in all)`,
    ].join('\n') + '\n',
  );
  await fake.close();
}
