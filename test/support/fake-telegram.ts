import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call the fake received. */
export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** The HTTP status the fake answered (429 when its rate limit said no). */
  status?: number;
}

type Failure = { error_code: number; description: string; parameters?: { retry_after?: number } };
/** A failure to answer, to the next sendMessage of one chat only when `chatId` is given. */
type PlannedFailure = Failure & { chatId?: number };

/**
 * A local stand-in for the Telegram Bot API, speaking its wire format on loopback:
 * `POST /bot<token>/<method>` with JSON, answering `{ ok, result }` or
 * `{ ok: false, error_code, description, parameters }`. Implements what ownerbot calls
 * (getMe, deleteWebhook, getUpdates with long polling, sendMessage, answerCallbackQuery, getFile
 * and the file download) and can be told to fail the next sends (429 with retry_after, 403 blocked).
 */
export async function startFakeTelegram(
  token = '123456:TEST-token-for-the-fake-server-only',
  options: {
    /** Like Telegram's broadcast limit: more accepted sendMessage calls than this in any second answer 429, retry_after 1. */
    sendsPerSecond?: number;
  } = {},
) {
  const accepted: number[] = [];
  const calls: TelegramCall[] = [];
  const updates: unknown[] = [];
  const failures: PlannedFailure[] = [];
  /** Successful sendMessage calls only (`calls` has the failed attempts too). */
  const delivered: TelegramCall[] = [];
  const blocked = new Set<number>();
  /** Files owners sent, by file_id (getFile and the download serve them). */
  const files = new Map<string, Buffer>();
  let updateId = 1000;
  let messageId = 1;
  let wakePoll: (() => void) | undefined;

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        const match = /^\/bot([^/]+)\/(\w+)/.exec(request.url ?? '');
        const answer = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(payload));
        };
        // File downloads: GET /file/bot<token>/<file_path>, the bytes of a file named by getFile.
        const download = /^\/file\/bot([^/]+)\/photos\/([\w-]+)\.png$/.exec(request.url ?? '');
        if (download) {
          if (download[1] !== token || !files.has(download[2] as string)) return answer(404, { ok: false });
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          return response.end(files.get(download[2] as string));
        }
        if (!match || match[1] !== token)
          return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const method = match[2] as string;
        const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        const call: TelegramCall = { method, params, at: Date.now() };
        calls.push(call);
        switch (method) {
          case 'getMe':
            return answer(200, {
              ok: true,
              result: { id: 42, is_bot: true, first_name: 'Lakeside', username: 'lakeside_bot' },
            });
          case 'deleteWebhook':
          case 'answerCallbackQuery':
            return answer(200, { ok: true, result: true });
          case 'getFile': {
            const fileId = String(params.file_id);
            if (!files.has(fileId))
              return answer(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
            return answer(200, { ok: true, result: { file_id: fileId, file_path: `photos/${fileId}.png` } });
          }
          case 'getUpdates': {
            const offset = Number(params.offset ?? 0);
            const pending = () => updates.filter((u) => (u as { update_id: number }).update_id >= offset);
            if (pending().length === 0) {
              await new Promise<void>((resolve) => {
                wakePoll = resolve;
                setTimeout(resolve, Math.min(Number(params.timeout ?? 0), 2) * 1000);
              });
            }
            return answer(200, { ok: true, result: pending() });
          }
          case 'sendMessage': {
            if (blocked.has(Number(params.chat_id)))
              return answer(403, {
                ok: false,
                error_code: 403,
                description: 'Forbidden: bot was blocked by the user',
              });
            const planned = failures.findIndex(
              (f) => f.chatId === undefined || f.chatId === Number(params.chat_id),
            );
            if (planned >= 0) {
              const [{ chatId: _chatId, ...failure }] = failures.splice(planned, 1) as [PlannedFailure];
              return answer(failure.error_code, { ok: false, ...failure });
            }
            if (options.sendsPerSecond !== undefined) {
              const now = Date.now();
              while (accepted.length > 0 && (accepted[0] as number) <= now - 1000) accepted.shift();
              if (accepted.length >= options.sendsPerSecond) {
                call.status = 429;
                return answer(429, {
                  ok: false,
                  error_code: 429,
                  description: 'Too Many Requests: retry after 1',
                  parameters: { retry_after: 1 },
                });
              }
              accepted.push(now);
            }
            call.status = 200;
            delivered.push(call);
            return answer(200, {
              ok: true,
              result: {
                message_id: messageId++,
                date: Math.floor(Date.now() / 1000),
                chat: { id: Number(params.chat_id), type: 'private' },
                text: params.text,
              },
            });
          }
          default:
            return answer(404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    token,
    apiRoot: `http://127.0.0.1:${port}`,
    /** The app's environment for Telegram in webhook mode against this fake, with `secret`. */
    webhookEnv(secret: string) {
      return {
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
        TELEGRAM_WEBHOOK_SECRET: secret,
      };
    },
    calls,
    delivered,
    /** A file an owner sent (a photo), served by getFile and /file/bot<token>/photos/<id>.png. */
    addFile(fileId: string, bytes: Buffer) {
      files.set(fileId, bytes);
    },
    /** Every send to this chat answers 403, as when the owner blocked the bot. */
    blockChat(chatId: number) {
      blocked.add(chatId);
    },
    /** An update as Telegram would deliver it; returns it with its update_id. */
    update(fields: Record<string, unknown>) {
      const update = { update_id: updateId++, ...fields };
      updates.push(update);
      wakePoll?.();
      return update;
    },
    /** A private text message from user `from`. */
    textMessage(from: number, text: string, extra: Record<string, unknown> = {}) {
      return {
        message: {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: from, type: 'private', first_name: 'Owner' },
          from: { id: from, is_bot: false, first_name: 'Owner', language_code: 'en' },
          text,
          ...extra,
        },
      };
    },
    failNextSend(failure: PlannedFailure) {
      failures.push(failure);
    },
    sent(chatId?: number) {
      return calls.filter(
        (c) => c.method === 'sendMessage' && (chatId === undefined || Number(c.params.chat_id) === chatId),
      );
    },
    async waitFor(predicate: () => boolean, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error('the fake Telegram server did not see what was expected in time');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        wakePoll?.();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
