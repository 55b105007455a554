import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram';

const SECRET = 'db-stop-webhook-secret';

/**
 * The embedded engine is frozen (SIGSTOP, as a hung database host would be) while Telegram
 * webhooks arrive: they get a 5xx, nothing is acknowledged; once it is back, Telegram's retry
 * of the same updates is handled once each (one stored message, one reply).
 */
describe('the database stops while webhooks arrive', () => {
  let telegram: FakeTelegram;
  let app: AppProcess;
  let dataDir: string;
  let enginePort: number;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-db-stop-'));
    app = await spawnApp({
      DATA_DIR: dataDir,
      ...telegram.webhookEnv(SECRET),
    });
    const running = await app.waitForLog((line) =>
      String(line.msg).startsWith('Embedded database engine (FerretDB'),
    );
    enginePort = Number(running.port);
    await app.waitForLog((line) => String(line.msg).includes('is listening'));
  }, 120_000);

  afterAll(async () => {
    const pidFile = path.join(dataDir, 'ferretdb.pid');
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGCONT');
      } catch {
        // already gone
      }
    }
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000).catch(() => app.child.kill('SIGKILL'));
    await telegram.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const deliver = (update: unknown, timeoutMs = 20_000) =>
    fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(timeoutMs),
    }).then(
      (response) => response.status,
      () => 0, // no answer in time: Telegram retries as for a 5xx
    );

  it('when the engine is frozen, then webhooks get 5xx, and their retries after it returns are handled once each', async () => {
    const warm = { update_id: 1, ...telegram.textMessage(2001, 'How do I pay the property fee?') };
    expect(await deliver(warm)).toBe(200);
    await telegram.waitFor(() => telegram.delivered.length === 1, 30_000);

    const pid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));
    const updates = [
      {
        update_id: 2,
        ...telegram.textMessage(2002, 'The kitchen sink in my flat is blocked, please send a plumber'),
      },
      { update_id: 3, ...telegram.textMessage(2003, '电梯不动了，请派人来修') },
    ];
    process.kill(pid, 'SIGSTOP');
    let statuses: number[];
    try {
      statuses = await Promise.all(updates.map((update) => deliver(update)));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // Not acknowledged: Telegram keeps them and retries.
    for (const status of statuses) expect(status === 0 || status >= 500).toBe(true);

    const deadline = Date.now() + 60_000;
    while ((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the database never came back');
      await sleep(250);
    }
    // Telegram's retries, until each is acknowledged.
    for (const update of updates) {
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = await deliver(update);
        if (status !== 200) await sleep(1000);
      }
      expect(status).toBe(200);
    }
    await telegram.waitFor(
      () => telegram.delivered.filter((c) => [2002, 2003].includes(Number(c.params.chat_id))).length >= 2,
      60_000,
    );
    await sleep(2000);
    expect(telegram.delivered.filter((c) => Number(c.params.chat_id) === 2002)).toHaveLength(1);
    expect(telegram.delivered.filter((c) => Number(c.params.chat_id) === 2003)).toHaveLength(1);

    const connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${enginePort}/ownerbot`)
      .asPromise();
    try {
      for (const chat of ['2002', '2003']) {
        expect(await connection.collection('messages').countDocuments({ conversationId: chat })).toBe(1);
        expect(
          await connection.collection('tickets').countDocuments({ 'address.conversationId': chat }),
        ).toBe(1);
      }
    } finally {
      await connection.close();
    }
  }, 150_000);

  let perChat: number[] = [];
  it('when the engine’s PostgreSQL is killed while replies are being sent, then it is restarted and every owner gets their reply', async () => {
    const chats = Array.from({ length: 10 }, (_, i) => 2100 + i);
    let updateId = 100;
    for (const chat of chats)
      expect(
        await deliver({
          update_id: updateId++,
          ...telegram.textMessage(chat, 'How do I pay the property fee?'),
        }),
      ).toBe(200);
    // Mid-dispatch: as soon as the first of these replies goes out.
    await telegram.waitFor(
      () => telegram.delivered.some((c) => chats.includes(Number(c.params.chat_id))),
      30_000,
    );
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await app.waitForLog((line) => line.msg === 'PostgreSQL is back', 60_000);
    // Sends that failed while the engine was down are retried with backoff (5 s, doubling).
    await telegram
      .waitFor(
        () => chats.every((chat) => telegram.delivered.some((c) => Number(c.params.chat_id) === chat)),
        120_000,
      )
      .catch(async (error: Error) => {
        const connection = await mongoose
          .createConnection(`mongodb://127.0.0.1:${enginePort}/ownerbot`)
          .asPromise();
        const entries = await connection
          .collection('outbox')
          .find(
            { 'address.conversationId': { $in: chats.map(String) } },
            { projection: { key: 1, status: 1, failures: 1, lastError: 1, deadReason: 1, nextAttemptAt: 1 } },
          )
          .toArray();
        await connection.close();
        throw new Error(`${error.message}: ${JSON.stringify(entries)}`);
      });
    await sleep(3000);
    perChat = chats.map((chat) => telegram.delivered.filter((c) => Number(c.params.chat_id) === chat).length);
    expect(perChat.every((n) => n >= 1)).toBe(true); // none lost
  }, 200_000);

  it('when the engine’s PostgreSQL is killed mid-dispatch, then no reply is sent twice and every one is recorded as sent', async () => {
    expect(perChat).toEqual(perChat.map(() => 1));
    const connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${enginePort}/ownerbot`)
      .asPromise();
    try {
      const chats = perChat.map((_, i) => String(2100 + i));
      // A send the platform accepted while the engine was down was recorded once it was back.
      const sent = await connection
        .collection('outbox')
        .countDocuments({ 'address.conversationId': { $in: chats }, purpose: 'reply', status: 'sent' });
      expect(sent).toBe(chats.length);
      expect(
        await connection
          .collection('outbox')
          .countDocuments({ 'address.conversationId': { $in: chats }, status: 'dead' }),
      ).toBe(0);
    } finally {
      await connection.close();
    }
  });
});
