import { modelOn } from '../../../services/database/model';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import type {
  Address,
  ChannelAdapter,
  InboundMessage,
  OutboundMessage,
} from '../../../services/channels/types';
import type { Clock } from '../../../services/clock';
import { trusted } from '../../../services/database/connect';
import type { Logger } from '../../../services/logging/logger';
import { isDuplicateKey } from '../../../services/outbox/outbox';
import { webChatPage } from './page';

/**
 * What the bot said in a web chat session, in order. `send` writes here first, so a reply
 * reaches the owner whether their page is open on this instance, on another one, or only
 * later: the event stream replays everything after the last id the page saw.
 */
interface TranscriptRecord {
  _id: string; // `<sessionId>:<seq padded>`
  sessionId: string;
  seq: number;
  text: string;
  buttons: Array<{ action: string; label: string }>;
  at: Date;
}

const transcriptSchema = new Schema<TranscriptRecord>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    seq: { type: Number, required: true },
    text: { type: String, required: true },
    buttons: { type: [{ action: String, label: String, _id: false }], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
transcriptSchema.index({ sessionId: 1, seq: 1 });

function transcriptModel(connection: Connection): Model<TranscriptRecord> {
  return modelOn<TranscriptRecord>(connection, 'WebTranscript', transcriptSchema, 'web_transcripts');
}

const SESSION_ID = /^[A-Za-z0-9_-]{22,64}$/;
const messageBody = z.object({
  sessionId: z.string().regex(SESSION_ID, 'sessionId must come from POST /chat/session'),
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 letters, digits, _ or -'),
  text: z.string().max(4000, 'a message can be at most 4,000 characters').optional(),
  action: z.string().max(100).optional(),
});

/** How often an open event stream looks for replies written by another instance. */
const POLL_MS = 1000;

/**
 * The built-in web chat: the page at `/`, `POST /chat/session`, `POST /chat/messages` and
 * the live replies at `GET /chat/events` (server-sent events). It is a channel like any
 * other: messages go through the same inbound path, replies through the same outbox.
 */
export function createWebChat(deps: { connection: Connection; clock: Clock; logger: Logger }) {
  const Transcripts = transcriptModel(deps.connection);
  const log = deps.logger.child({ channel: 'web' });
  const streams = new Map<string, Set<() => void>>();
  let onMessage: ((message: InboundMessage) => Promise<unknown>) | undefined;

  const wakeStreams = (sessionId: string) => {
    for (const wake of streams.get(sessionId) ?? []) wake();
  };

  const adapter: ChannelAdapter = {
    name: 'web',
    capabilities: { buttons: true, threads: false, markup: false, maxTextLength: 4000 },
    async start(handler) {
      onMessage = handler;
    },
    async stop() {
      onMessage = undefined;
      for (const wakes of streams.values()) for (const wake of wakes) wake();
    },
    async send(address: Address, message: OutboundMessage) {
      const sessionId = address.conversationId;
      for (let attempt = 0; attempt < 5; attempt++) {
        const last = await Transcripts.findOne({ sessionId }, { seq: 1 }).sort({ seq: -1 }).lean();
        const seq = (last?.seq ?? 0) + 1;
        const id = `${sessionId}:${String(seq).padStart(8, '0')}`;
        try {
          await Transcripts.create({
            _id: id,
            sessionId,
            seq,
            text: message.text,
            buttons: message.buttons ?? [],
            at: deps.clock.now(),
          });
          wakeStreams(sessionId);
          return { platformMessageId: id };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error; // another reply took this number: take the next
        }
      }
      throw new Error(`web chat: could not append to session ${sessionId}`);
    },
  };

  async function replay(reply: FastifyReply, sessionId: string, after: number): Promise<number> {
    const records = await Transcripts.find({ sessionId, seq: trusted({ $gt: after }) })
      .sort({ seq: 1 })
      .limit(200)
      .lean();
    for (const record of records) {
      reply.raw.write(
        `id: ${record.seq}\nevent: message\ndata: ${JSON.stringify({ text: record.text, buttons: record.buttons })}\n\n`,
      );
      after = record.seq;
    }
    return after;
  }

  function routes(server: FastifyInstance): void {
    const open = new Set<FastifyReply>();
    server.addHook('preClose', async () => {
      for (const reply of open) reply.raw.end();
    });

    server.get('/', async (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(webChatPage()),
    );

    server.post('/chat/session', async () => ({ sessionId: randomBytes(18).toString('base64url') }));

    server.post('/chat/messages', async (request, reply) => {
      const parsed = messageBody.safeParse(request.body);
      if (!parsed.success) {
        return reply
          .status(400)
          .send({ error: 'invalid_message', message: parsed.error.issues.map((i) => i.message).join('; ') });
      }
      const { sessionId, clientMessageId, text = '', action } = parsed.data;
      if (text.trim() === '' && !action) {
        return reply
          .status(400)
          .send({ error: 'empty_message', message: 'Write a message or press a button.' });
      }
      if (!onMessage)
        return reply
          .status(503)
          .send({ error: 'not_ready', message: 'The chat is starting; try again in a moment.' });
      await onMessage({
        channel: 'web',
        platformMessageId: `${sessionId}:${clientMessageId}`,
        conversationId: sessionId,
        sender: { id: sessionId },
        text: text.trim(),
        ...(action ? { action } : {}),
        attachments: [],
        receivedAt: deps.clock.now(),
      });
      return reply.status(202).send({ accepted: true });
    });

    server.get('/chat/events', async (request, reply) => {
      const query = request.query as { sessionId?: string };
      const sessionId = query.sessionId ?? '';
      if (!SESSION_ID.test(sessionId)) return reply.status(400).send({ error: 'invalid_session' });
      const lastSeen = Number(request.headers['last-event-id'] ?? 0);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write(': connected\n\n');
      open.add(reply);
      let after = Number.isInteger(lastSeen) && lastSeen > 0 ? lastSeen : 0;
      let wake: (() => void) | undefined;
      const wakes = streams.get(sessionId) ?? new Set<() => void>();
      streams.set(sessionId, wakes);
      let closed = false;
      const onWake = () => wake?.();
      wakes.add(onWake);
      request.raw.on('close', () => {
        closed = true;
        wakes.delete(onWake);
        if (wakes.size === 0) streams.delete(sessionId);
        open.delete(reply);
        wake?.();
      });
      try {
        while (!closed && !reply.raw.writableEnded) {
          after = await replay(reply, sessionId, after);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, POLL_MS).unref();
          });
        }
      } catch (error) {
        log.warn({ err: error }, 'Web chat event stream ended on an error');
        reply.raw.end();
      }
    });
  }

  return { adapter, routes };
}
