import type { FastifyInstance } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from '../../../services/logging/logger';
import { sameSecret } from '../../http/admin-access';
import { parseTelegramUpdate } from './telegram-update';

/**
 * POST /telegram/webhook: refuses a wrong secret (401) and a signed but malformed update
 * (400, with its reason) before grammY or the core see it; otherwise grammY answers 200 once
 * the update is stored, and an error (the database down) becomes a 5xx, which Telegram retries.
 */
export function registerTelegramWebhook(
  server: FastifyInstance,
  ctx: { bot: Bot; log: Logger; secret: string },
): void {
  const { bot, log, secret } = ctx;
  const handle = webhookCallback(bot, 'fastify', {
    secretToken: secret,
    onTimeout: 'throw',
    timeoutMilliseconds: 9_000,
  });
  server.post('/telegram/webhook', async (request, reply) => {
    const given = request.headers['x-telegram-bot-api-secret-token'];
    if (!sameSecret(typeof given === 'string' ? given : undefined, secret)) {
      return reply.status(401).send({ error: 'unauthorized' });
    }
    const checked = parseTelegramUpdate(request.body);
    if ('problem' in checked) {
      log.warn({ problem: checked.problem }, 'Refused a malformed Telegram update');
      return reply.status(400).send({ error: 'invalid_update', message: checked.problem });
    }
    if (!bot.isInited()) await bot.init();
    return handle(request, reply);
  });
}
