import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../services/logging/logger';
import { COVERED_BY_POLL_MS, type ReplyFeed } from './reply-feed';
import type { TranscriptRecord, TranscriptStore } from './transcript-store';
import { startEventStream } from '../../http/event-stream-response';

/** An idle event stream gets a comment line this often, so proxies keep it open. */
const KEEP_ALIVE_MS = 25_000;

/** A positive whole event id, else 0. */
function seqOf(value: unknown): number {
  const seq = Number(typeof value === 'string' ? value : 0);
  return Number.isInteger(seq) && seq > 0 ? seq : 0;
}

/**
 * The last reply the page has: the browser's own reconnects send Last-Event-ID; a page that
 * drew the history first says where it stands with `?after=` (EventSource cannot set the
 * header on its first request).
 */
function lastSeenBy(request: FastifyRequest): number {
  return Math.max(
    seqOf(request.headers['last-event-id']),
    seqOf((request.query as { after?: unknown } | undefined)?.after),
  );
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
  startEventStream(reply);
  let after = lastSeenBy(request);
  // `pending`: read the transcript after `after` (on connect, unless this instance knows it
  // has nothing newer, and when woken without the record); `arrived`: replies this instance
  // just wrote, sent as they are when they follow on.
  let pending = !transcripts.caughtUp(session, after, COVERED_BY_POLL_MS);
  const arrived: TranscriptRecord[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const unsubscribe = feed.subscribe(session, (written) => {
    if (written) arrived.push(written);
    else pending = true;
    wake?.();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    options.onClose();
    wake?.();
  };
  const send = (record: TranscriptRecord) => {
    const data = JSON.stringify({ text: record.text, buttons: record.buttons, at: record.at });
    reply.raw.write(`id: ${record.seq}\nevent: message\ndata: ${data}\n\n`);
    after = record.seq;
  };
  request.raw.on('close', close);
  try {
    while (!closed && !reply.raw.writableEnded) {
      if (pending) {
        pending = false;
        arrived.length = 0; // the read covers them
        for (const record of await transcripts.after(session, after)) send(record);
        continue;
      }
      if (arrived.length > 0) {
        for (const record of arrived.splice(0).sort((a, b) => a.seq - b.seq)) {
          if (record.seq <= after) continue;
          if (record.seq !== after + 1) {
            pending = true; // another instance wrote the one before: read them in order
            break;
          }
          send(record);
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
