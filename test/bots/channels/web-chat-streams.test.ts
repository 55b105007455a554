import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import pino from 'pino';
import { createSessionIds } from '../../../bots/channels/web/session-ids';
import { createWebChat } from '../../../bots/channels/web/web-chat';
import { createHttpServer } from '../../../bots/http/server';
import { createAttachmentStore } from '../../../services/attachments/attachment-store';
import { systemClock } from '../../../services/clock';
import { createMetrics } from '../../../services/metrics/metrics';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

/** One instance's web chat on a listening server, on the shared database. */
async function instance(sessionIds: Awaited<ReturnType<typeof createSessionIds>>) {
  const { connection } = database();
  const logger = pino({ level: 'silent' });
  const server = createHttpServer({ logger, metrics: createMetrics(), database: database() });
  const webChat = createWebChat({
    connection,
    clock: systemClock,
    logger,
    sessionIds,
    limits: null,
    attachments: createAttachmentStore({ connection, clock: systemClock }),
    onRefused: () => undefined,
  });
  webChat.routes(server);
  await webChat.adapter.start(async () => undefined);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  const stop = async () => {
    await webChat.adapter.stop();
    await server.close();
  };
  return { server, adapter: webChat.adapter, port, stop };
}

/** The `message` events of a session's stream on `port`, as they arrive. */
function openStream(port: number, sessionId: string) {
  const texts: string[] = [];
  const request = http.get(`http://127.0.0.1:${port}/chat/events?sessionId=${sessionId}`, (response) => {
    let buffered = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (event.includes('event: message') && data) texts.push((JSON.parse(data) as { text: string }).text);
      }
    });
  });
  request.on('error', () => undefined);
  return { texts, close: () => request.destroy() };
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe('web chat event streams on two instances', () => {
  it('when both instances reply in one session, then a stream on either gets every reply once, in order', async () => {
    const sessionIds = await createSessionIds(database().connection);
    const [first, second] = [await instance(sessionIds), await instance(sessionIds)];
    const session = sessionIds.issue().sessionId;
    const address = { channel: 'web' as const, conversationId: session.slice(0, 22) };
    const onFirst = openStream(first.port, session);
    const onSecond = openStream(second.port, session);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // both streams connected

      await first.adapter.send(address, { text: 'one' });
      // This instance's own reply reaches its stream at once, without waiting for a poll.
      expect(await until(() => onFirst.texts.length === 1, 2_000)).toBeLessThan(900);
      // The other instance writes the next one before its stream has seen 'one' (found by the
      // once-a-second poll): its stream reads both, in order.
      await second.adapter.send(address, { text: 'two' });
      await first.adapter.send(address, { text: 'three' });
      await until(() => onFirst.texts.length === 3 && onSecond.texts.length === 3, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // polls that find them again

      expect(onFirst.texts).toEqual(['one', 'two', 'three']);
      expect(onSecond.texts).toEqual(['one', 'two', 'three']);
    } finally {
      onFirst.close();
      onSecond.close();
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 20_000);

  it('when a page opens the stream of a session this instance just issued, then nothing is read on connect, and a reply another instance wrote meanwhile still arrives', async () => {
    const sessionIds = await createSessionIds(database().connection);
    const [first, second] = [await instance(sessionIds), await instance(sessionIds)];
    const issued = await fetch(`http://127.0.0.1:${first.port}/chat/session`, { method: 'POST' });
    const { sessionId } = (await issued.json()) as { sessionId: string };
    const reference = sessionId.slice(0, 22);
    const readsOfSession: unknown[] = [];
    mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
      if (collection === 'web_transcripts' && method === 'find' && JSON.stringify(filter).includes(reference))
        readsOfSession.push(filter);
    });
    // Written by the other instance before the page's stream connects: the issuing instance
    // does not know it, and must not lose it.
    await second.adapter.send({ channel: 'web', conversationId: reference }, { text: 'early' });
    const stream = openStream(first.port, sessionId);
    try {
      await until(() => stream.texts.length === 1, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // polls that find it again
      expect(stream.texts).toEqual(['early']);
      // The poll found it and the stream read it then; on connect it read nothing.
      expect(readsOfSession).toHaveLength(1);
    } finally {
      mongoose.set('debug', false);
      stream.close();
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 20_000);
});
