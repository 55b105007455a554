import { Readable } from 'node:stream';
import pino from 'pino';
import { createSessionIds } from '../../../bots/channels/web/session-ids';
import { createWebChat } from '../../../bots/channels/web/web-chat';
import { createAdminAccess } from '../../../bots/http/admin-access';
import { registerAttachments } from '../../../bots/http/attachments';
import { createHttpServer } from '../../../bots/http/server';
import {
  createAttachmentStore,
  MAX_PHOTO_BYTES,
  type AttachmentStore,
} from '../../../services/attachments/attachment-store';
import { createFakeClock } from '../../../services/clock';
import { DEFAULT_WEB_CHAT_LIMITS, type WebChatLimits } from '../../../services/config/web-chat-limits';
import { createMessageStore } from '../../../services/messages/message-store';
import { createMetrics } from '../../../services/metrics/metrics';
import { useTestDatabase } from '../../support/database';
import { HEIC_HEAD, makePng } from '../../support/photos';

const database = useTestDatabase();
const TOKEN = 'attachments-admin-token-0123';
const staffAuth = { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };

/** The web chat and the staff attachment route on one server, as the app mounts them. */
async function build(options: { limits?: WebChatLimits | null; attachments?: AttachmentStore } = {}) {
  const { connection } = database();
  const clock = createFakeClock();
  const logLines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) });
  const server = createHttpServer({ logger, metrics: createMetrics(), database: database() });
  const attachments = options.attachments ?? createAttachmentStore({ connection, clock });
  const sessionIds = await createSessionIds(connection);
  const webChat = createWebChat({
    connection,
    clock,
    logger,
    sessionIds,
    limits: options.limits === undefined ? DEFAULT_WEB_CHAT_LIMITS : options.limits,
    attachments,
    onRefused: (refusal, address) => logger.warn({ limit: refusal.limit, address }, 'refused'),
  });
  webChat.routes(server);
  const messages = createMessageStore({ connection });
  await webChat.adapter.start(async (message) => {
    await messages.store(message);
  });
  const access = createAdminAccess({ adminToken: TOKEN, openOnLoopback: false, clock });
  registerAttachments(server, { access, attachments });
  const sessionId = sessionIds.issue().sessionId;
  return { server, clock, logLines, adapter: webChat.adapter, sessionId, reference: sessionId.slice(0, 22) };
}

type Built = Awaited<ReturnType<typeof build>>;

const say = (app: Built, body: Record<string, unknown>) =>
  app.server.inject({
    method: 'POST',
    url: '/chat/messages',
    payload: { sessionId: app.sessionId, ...body },
  });

const uploadPhoto = (app: Built, payload: Buffer | Readable, sessionId = app.sessionId) =>
  app.server.inject({
    method: 'POST',
    url: `/chat/photos?sessionId=${sessionId}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload,
  });

describe('web chat history and photos (routes on a real database)', () => {
  it('when an owner and the bot spoke and the page reloads, then the history has both sides in order with times', async () => {
    const app = await build();
    expect((await say(app, { clientMessageId: 'm1', text: 'Kitchen leak in 3-1502' })).statusCode).toBe(202);
    app.clock.advance(1000);
    await app.adapter.send(
      { channel: 'web', conversationId: app.reference },
      { text: 'Case WO-1 opened', buttons: [{ action: 'menu:cases', label: 'My cases' }] },
    );
    app.clock.advance(1000);
    await say(app, { clientMessageId: 'm2', action: 'menu:cases' });
    await say(app, { clientMessageId: 'm2', action: 'menu:cases' }); // a retry of the same message
    app.clock.advance(1000);
    const photo = (await uploadPhoto(app, makePng())).json() as { photoId: string };
    expect((await say(app, { clientMessageId: 'm3', text: '', photos: [photo.photoId] })).statusCode).toBe(
      202,
    );

    const response = await app.server.inject({ url: `/chat/history?sessionId=${app.sessionId}` });
    expect(response.statusCode).toBe(200);
    const { messages, lastEventId } = response.json() as {
      messages: Array<{ from: string; text: string; at: string; photos?: string[] }>;
      lastEventId: number;
    };
    expect(messages.map((m) => [m.from, m.text])).toEqual([
      ['owner', 'Kitchen leak in 3-1502'],
      ['bot', 'Case WO-1 opened'],
      ['owner', 'My cases'],
      ['owner', ''],
    ]);
    expect(messages[0]?.at).toBe('2026-11-22T02:00:00.000Z');
    expect(messages[3]?.photos).toEqual([photo.photoId]);
    expect(lastEventId).toBe(1);
  });

  it('when the session id is unknown or altered, then history, upload and photo answer 401 in both languages', async () => {
    const app = await build();
    const forged = `${app.reference}${'A'.repeat(22)}`;
    for (const response of [
      await app.server.inject({ url: `/chat/history?sessionId=${forged}` }),
      await app.server.inject({ url: '/chat/history' }),
      await uploadPhoto(app, makePng(), forged),
      await app.server.inject({ url: `/chat/photos/AAAAAAAAAAAAAAAA?sessionId=${forged}` }),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        error: 'invalid_session',
        messages: { zh: expect.stringContaining('会话已失效'), en: expect.stringContaining('not valid') },
      });
    }
  });

  it('when the upload is not a photo, then 415 with a bilingual message, whatever it claims to be', async () => {
    const app = await build();
    const response = await app.server.inject({
      method: 'POST',
      url: `/chat/photos?sessionId=${app.sessionId}`,
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      error: 'not_a_photo',
      messages: { zh: expect.stringContaining('只能发送照片'), en: expect.stringContaining('Only photos') },
    });
  });

  it('when the photo is over 8 MB, declared or streamed, then 413 with a bilingual message and nothing kept', async () => {
    const app = await build();
    const declared = await uploadPhoto(app, makePng({ padding: MAX_PHOTO_BYTES }));
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({
      error: 'photo_too_large',
      messages: { zh: '照片太大了，请发送 8 MB 以内的照片。', en: expect.stringContaining('at most 8 MB') },
    });
    const streamed = await uploadPhoto(app, Readable.from([makePng({ padding: MAX_PHOTO_BYTES })]));
    expect(streamed.statusCode).toBe(413);
    expect(await database().connection.collection('attachments').countDocuments({ size: 0 })).toBe(0);
  });

  it('when a HEIC photo is uploaded, then it is stored as image/heic', async () => {
    const app = await build();
    const response = await uploadPhoto(app, Buffer.concat([HEIC_HEAD, Buffer.alloc(1000)]));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ contentType: 'image/heic', size: HEIC_HEAD.length + 1000 });
  });

  it('when another session names a photo, then it can neither send it nor see it; its own session sees it', async () => {
    const app = await build();
    const other = await build();
    const { photoId } = (await uploadPhoto(app, makePng())).json() as { photoId: string };
    const stolen = await say(other, { clientMessageId: 'x1', text: 'look', photos: [photoId] });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toMatchObject({ error: 'unknown_photo' });
    const peek = await other.server.inject({ url: `/chat/photos/${photoId}?sessionId=${other.sessionId}` });
    expect(peek.statusCode).toBe(404);
    const own = await app.server.inject({ url: `/chat/photos/${photoId}?sessionId=${app.sessionId}` });
    expect(own.statusCode).toBe(200);
    expect(own.rawPayload.equals(makePng())).toBe(true);
  });

  it('when staff open an attachment, then only signed in, as an inline image that is never sniffed', async () => {
    const app = await build();
    const { photoId } = (await uploadPhoto(app, makePng())).json() as { photoId: string };
    expect((await app.server.inject({ url: `/attachments/${photoId}` })).statusCode).toBe(401);
    const response = await app.server.inject({ url: `/attachments/${photoId}`, headers: staffAuth });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': `inline; filename="photo-${photoId}.png"`,
      'x-content-type-options': 'nosniff',
    });
    expect(response.headers['content-security-policy']).toContain('sandbox');
    expect(response.rawPayload.equals(makePng())).toBe(true);
    const unknown = await app.server.inject({ url: '/attachments/AAAAAAAAAAAAAAAA', headers: staffAuth });
    expect(unknown.statusCode).toBe(404);
  });

  it('when an address uploads more than its limit, then 429 with the polite text and retry-after', async () => {
    const app = await build({
      limits: { ...DEFAULT_WEB_CHAT_LIMITS, uploadsPerAddress: { count: 1, periodMs: 3_600_000 } },
    });
    expect((await uploadPhoto(app, makePng())).statusCode).toBe(201);
    const refused = await uploadPhoto(app, makePng());
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.json()).toMatchObject({
      limit: 'uploads_per_address',
      messages: { en: expect.stringContaining('too fast') },
    });
  });

  it('when requests carrying a session id fail or are refused, then the log never holds the session id', async () => {
    const { connection } = database();
    const real = createAttachmentStore({ connection, clock: createFakeClock() });
    const failing: AttachmentStore = {
      ...real,
      find: async () => {
        throw new Error('database went away');
      },
    };
    const app = await build({
      attachments: failing,
      limits: { ...DEFAULT_WEB_CHAT_LIMITS, uploadsPerAddress: { count: 1, periodMs: 60_000 } },
    });
    const broken = await app.server.inject({
      url: `/chat/photos/AAAAAAAAAAAAAAAA?sessionId=${app.sessionId}`,
    });
    expect(broken.statusCode).toBe(500);
    await uploadPhoto(app, makePng());
    expect((await uploadPhoto(app, makePng())).statusCode).toBe(429);
    await app.server.inject({ url: `/chat/history?sessionId=${app.sessionId}` });

    const log = app.logLines.join('');
    expect(log).toContain('Request failed'); // the failure was logged...
    expect(log).toContain('/chat/photos/AAAAAAAAAAAAAAAA');
    expect(log).not.toContain(app.sessionId); // ...without the signed id
    expect(log).not.toContain(app.sessionId.slice(22));
  });
});
