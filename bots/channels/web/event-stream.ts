import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../services/logging/logger';
import type { ReplyFeed } from './reply-feed';
import type { TranscriptStore } from './transcript-store';
import { startEventStream } from '../../http/event-stream-response';

/** An idle event stream gets a comment line this often, so proxies keep it open. */
const KEEP_ALIVE_MS = 25_000;

/** A positive whole event id, else 0. */
function seqOf(value: unknown): number {
  const seq = Number(typeof value === 'string' ? value : 0);
  return Number.isInteger(seq) && seq > 0 ? seq : 0;
}

/**
 * Serves one session's replies as server-sent events: everything after the `Last-Event-ID`
 * the page saw, then each new reply as the feed announces it. Ends when the page goes away
 * or the server closes; `onClose` runs once either way.
 */
export async function streamReplies(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  session: string;
  transcripts: TranscriptStore;
  feed: ReplyFeed;
  logger: Logger;
  onClose: () => void;
}): Promise<void> {
  const { request, reply, session, transcripts, feed } = options;
  // The browser's own reconnects send Last-Event-ID; a page that drew the history first says
  // where it stands with `?after=` (EventSource cannot set the header on its first request).
  const lastSeen = Math.max(
    seqOf(request.headers['last-event-id']),
    seqOf((request.query as { after?: unknown } | undefined)?.after),
  );
  startEventStream(reply);
  let after = lastSeen;
  // Woken by the reply feed; `pending` keeps a wake that came while a replay ran.
  let pending = true;
  let wake: (() => void) | undefined;
  let closed = false;
  const unsubscribe = feed.subscribe(session, () => {
    pending = true;
    wake?.();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    options.onClose();
    wake?.();
  };
  request.raw.on('close', close);
  try {
    while (!closed && !reply.raw.writableEnded) {
      if (pending) {
        pending = false;
        for (const record of await transcripts.after(session, after)) {
          const data = JSON.stringify({ text: record.text, buttons: record.buttons, at: record.at });
          reply.raw.write(`id: ${record.seq}\nevent: message\ndata: ${data}\n\n`);
          after = record.seq;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (!closed) reply.raw.write(': keep-alive\n\n');
          resolve();
        }, KEEP_ALIVE_MS);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } catch (error) {
    options.logger.warn({ err: error }, 'Web chat event stream ended on an error');
    reply.raw.end();
  } finally {
    close();
  }
}
