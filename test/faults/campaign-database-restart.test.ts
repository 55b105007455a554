import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { connectDatabase, trusted, type Database } from '../../services/database/connect';
import type { EmbeddedEngine } from '../../services/database/engine';
import { startEmbeddedEngine } from '../../services/database/embedded-engine';
import { createDispatcher, type Dispatcher } from '../../services/outbox/dispatcher';
import { outboxModels } from '../../services/outbox/outbox-model';
import { surveyModels } from '../../services/surveys/survey-model';
import { runSurveyCampaign, type SurveyJobDeps } from '../../schedules/survey-campaign';
import { seedTelegramOwners, telegramCampaignServices } from '../support/telegram-owners';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const OWNERS = 48;
const silent = pino({ level: 'silent' });

/**
 * The database engine (an embedded FerretDB of this test's own, supervised as the
 * app runs it) is SIGKILLed while a quarterly survey campaign is being queued and sent
 * through the real Telegram adapter to the fake Bot API. The engine is restarted, the
 * upkeep pass runs again (as its cron would), and every owner got exactly one survey.
 */
describe('the database restarts mid-campaign', () => {
  let engine: EmbeddedEngine;
  let database: Database;
  let telegram: FakeTelegram;
  let dispatcher: Dispatcher;
  let dataDir: string;
  const engineLog: string[] = [];
  const dispatcherLog: string[] = [];
  const capture = (lines: string[]) =>
    pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().split('\n').filter(Boolean));
          done();
        },
      }),
    );

  beforeAll(async () => {
    const binary = process.env.OWNERBOT_TEST_ENGINE_BINARY;
    if (!binary) throw new Error('OWNERBOT_TEST_ENGINE_BINARY is unset: run through jest (global-setup)');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-campaign-restart-'));
    engine = await startEmbeddedEngine({ binary, dataDir, logger: capture(engineLog) });
    database = await connectDatabase({
      uri: engine.uri,
      dbName: 'ownerbot',
      engine: 'ferretdb-postgresql',
      logger: silent,
    });
    telegram = await startFakeTelegram();
  }, 60_000);

  afterAll(async () => {
    await dispatcher?.stop();
    await database?.close();
    await engine?.stop();
    await telegram?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the engine is killed while the campaign is queued and sent, then after the upkeep pass every owner got exactly one survey', async () => {
    const connection = database.connection;
    const chats = await seedTelegramOwners(connection, {
      count: OWNERS,
      firstChat: 700000,
      buildings: 4,
      phonePrefix: '1390000',
    });
    const { clock, outbox, surveys, adapters } = telegramCampaignServices(connection, {
      apiRoot: telegram.apiRoot,
      token: telegram.token,
      logger: silent,
    });
    dispatcher = createDispatcher({
      connection,
      adapters,
      clock,
      logger: capture(dispatcherLog),
      outbox,
      // Slow enough that the kill lands with the campaign half sent.
      limits: { telegram: { perSecond: 8, perConversationPerSecond: 1 } },
      leaseMs: 20_000,
      pollIntervalMs: 50,
    });
    const jobs: SurveyJobDeps = {
      surveys,
      cron: '* * * * *', // fired within the last minute: the campaign is due now
      timezone: 'Asia/Shanghai',
      expireAfterMs: 14 * 24 * 60 * 60_000,
      logger: silent,
    };
    const surveysTo = (chat: string) =>
      telegram.delivered.filter((call) => String(call.params.chat_id) === chat).length;
    dispatcher.start();

    // The campaign run (the survey cron's job), killed under it as its first messages go out.
    const firstPass = runSurveyCampaign(jobs, clock.now()).then(
      (report) => ({ report }),
      (error: Error) => ({ error }),
    );
    await telegram.waitFor(() => chats.some((chat) => surveysTo(chat) > 0), 30_000);
    const pidBefore = engine.pid;
    process.kill(pidBefore as number, 'SIGKILL');
    const deliveredAtKill = telegram.delivered.length;
    for (let waited = 0; !engineLog.some((line) => line.includes('FerretDB is back'));) {
      if ((waited += 100) > 60_000) throw new Error(`the engine never came back: ${engineLog.join('\n')}`);
      await sleep(100);
    }
    expect(engine.pid).not.toBe(pidBefore);
    const first = await firstPass;

    // The upkeep job, a few minutes later on any instance: it resumes what the kill cut short.
    let upkeep: Record<string, unknown> | undefined;
    for (let attempt = 0; !upkeep; attempt++) {
      try {
        upkeep = await runSurveyCampaign(jobs, clock.now());
      } catch (error) {
        if (attempt >= 20) throw error; // the driver is still reconnecting
        await sleep(500);
      }
    }
    await telegram.waitFor(() => chats.every((chat) => surveysTo(chat) >= 1), 120_000);
    await sleep(3000); // room for a late duplicate to show up
    process.stderr.write(
      `campaign restart: ${JSON.stringify({
        deliveredAtKill,
        first: 'error' in first ? first.error.message : first.report,
        upkeep,
        dispatcherErrors: dispatcherLog.filter((line) => line.includes('"level":50')).length,
      })}\n`,
    );

    // Each owner exactly once, on the platform and in the store.
    expect(chats.filter((chat) => surveysTo(chat) !== 1)).toEqual([]);
    expect(telegram.delivered).toHaveLength(OWNERS);
    const { Responses } = surveyModels(connection);
    expect(await Responses.countDocuments({})).toBe(OWNERS);
    expect(await Responses.countDocuments({ queuedAt: trusted({ $ne: null }) })).toBe(OWNERS);
    const { entries } = outboxModels(connection);
    expect(await entries.countDocuments({ purpose: 'survey', status: 'sent' })).toBe(OWNERS);
    expect(await entries.countDocuments({ purpose: 'survey', status: trusted({ $ne: 'sent' }) })).toBe(0);
    // The kill landed mid-campaign: most surveys were still to send (and usually to queue).
    expect(deliveredAtKill).toBeLessThan(OWNERS / 2);
    expect(upkeep).toMatchObject({ created: false });
  }, 240_000);
});
