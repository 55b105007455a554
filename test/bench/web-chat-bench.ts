import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnApp, type AppProcess } from '../support/app-process';
import { format, percentile } from './bench-database';

const SESSIONS_PER_ROUND = 500;
const ROUNDS = 2;
const TIMEOUT_MS = 300_000;

/** What new owners write first: repairs, questions and complaints, in both languages. */
const FIRST_MESSAGES = [
  '厨房水管漏水了，麻烦派师傅来看看',
  'How do I pay the property fee?',
  '物业费怎么交？',
  'The corridor light on floor 12 is broken',
  '电梯这周坏了三次，太让人失望了',
  'Where can I park my visitor’s car?',
  '楼道的灯坏了，麻烦尽快修一下',
  'The cleaners never come to our building, I am very unhappy',
];

/**
 * The bench's HTTP client: node's own, one pool of kept-alive connections. It shares the
 * machine's two cores with the app, so it is the lightest real client there is (undici's
 * `fetch` cost the bench process about 4 ms of CPU per owner).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 * SESSIONS_PER_ROUND });

function post(base: URL, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = http.request(
      new URL(path, base),
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Opens the session's event stream; `firstMessage` resolves at its first `message` event. */
function openEvents(base: URL, sessionId: string): Promise<{ firstMessage: Promise<void> }> {
  return new Promise((opened, failed) => {
    const request = http.get(new URL(`/chat/events?sessionId=${sessionId}`, base), { agent }, (response) => {
      if (response.statusCode !== 200)
        return failed(new Error(`event stream refused: ${response.statusCode}`));
      const firstMessage = new Promise<void>((resolve, reject) => {
        let received = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          received += chunk;
          if (!received.includes('event: message')) return;
          request.destroy();
          resolve();
        });
        response.on('end', () => reject(new Error('event stream ended before the first reply')));
      });
      firstMessage.catch(() => undefined);
      opened({ firstMessage });
    });
    request.on('error', failed);
  });
}

/** One owner on the web page: a new session, its event stream open, one message, its first reply. */
async function firstReplyOfNewOwner(base: URL, text: string): Promise<number> {
  const started = performance.now();
  const { sessionId } = JSON.parse((await post(base, '/chat/session', {})).body) as { sessionId: string };
  const events = await openEvents(base, sessionId);
  const posted = await post(base, '/chat/messages', { sessionId, clientMessageId: 'first', text });
  if (posted.status !== 202) throw new Error(`message refused: ${posted.status} ${posted.body}`);
  await events.firstMessage;
  return performance.now() - started;
}

async function round(app: AppProcess, number: number): Promise<{ seconds: number; latencies: number[] }> {
  const base = new URL(`http://127.0.0.1:${app.port}`);
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: SESSIONS_PER_ROUND }, (_, i) =>
      firstReplyOfNewOwner(base, `${FIRST_MESSAGES[i % FIRST_MESSAGES.length]} (${number}-${i})`),
    ),
  );
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/**
 * The web chat through its real HTTP surface, as `npm start` runs it (embedded engine, fresh
 * data directory, anonymous limits off): two rounds of 500 new owners, each opening the page's
 * event stream and sending one message; the figure is how fast every one of them has a reply,
 * and whether a database twice as full is slower.
 */
export async function benchWebChat(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-bench-web-'));
  const app = await spawnApp({ DATA_DIR: dataDir, WEB_CHAT_LIMITS: 'off', LOG_LEVEL: 'warn' });
  try {
    await waitUntilUp(app);
    const results = [];
    for (let number = 1; number <= ROUNDS; number++) {
      const result = await Promise.race([
        round(app, number),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`round ${number} not done in ${TIMEOUT_MS / 1000} s`)),
            TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      results.push(result);
      const rate = SESSIONS_PER_ROUND / result.seconds;
      process.stdout.write(
        `web chat round ${number}: ${SESSIONS_PER_ROUND} new sessions answered in ${format(result.seconds, 1)} s = ` +
          `${format(rate, 1)} messages/s (first reply p50 ${format(percentile(result.latencies, 50))} ms, ` +
          `p99 ${format(percentile(result.latencies, 99))} ms)\n`,
      );
    }
    const [first, second] = results.map((result) => SESSIONS_PER_ROUND / result.seconds) as [number, number];
    process.stdout.write(
      `web chat: second round at ${format(second / first, 2)}x the first (target: each round >= 100 messages/s, second >= 0.8x)\n`,
    );
  } finally {
    app.child.kill('SIGTERM');
    await app.waitForExit(20_000).catch(() => app.child.kill('SIGKILL'));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitUntilUp(app: AppProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${app.port}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app did not come up: ${app.stderr().slice(-2000)}`);
}
