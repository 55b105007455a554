import type { FastifyReply } from 'fastify';

/**
 * Takes over `reply` as a server-sent event stream: headers that keep proxies from caching or
 * buffering it, and a first comment so the browser sees the stream open at once.
 */
export function startEventStream(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  reply.raw.write(': connected\n\n');
}
