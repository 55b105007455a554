import { WechatyBuilder, type PuppetModuleName } from 'wechaty';
import type { ChannelAdapter } from '../../services/channels/types';
import type { Config } from '../../services/config/load-config';
import type { Database } from '../../services/database/connect';
import type { Logger } from '../../services/logging/logger';
import { instrumentAdapter } from '../../services/metrics/instrument';
import { createOutbox } from '../../services/outbox/outbox';
import { createWechatOfficial, type WechatOfficial } from '../../services/wechat-official/wechat-official';
import { systemClock } from '../../services/clock';
import { createSlackChannel } from '../channels/slack/slack';
import { registerSlackDesk } from '../channels/slack/slack-desk';
import { createTelegramChannel } from '../channels/telegram/telegram';
import { createWechatChannel } from '../channels/wechat/wechat';
import { createSessionIds } from '../channels/web/session-ids';
import { createWebChat } from '../channels/web/web-chat';
import { reportRefusals } from '../channels/web/web-limits';
import type { AppContext } from './app-context';

/** The configured channels, built but not started; `wechatQrCode` is the WeChat sign-in code while one is shown. */
export interface Channels {
  adapters: ChannelAdapter[];
  wechatQrCode: () => string | undefined;
}

/**
 * The Official Account API (WeChat templates) when WeChat and its Official Account are
 * configured; its follow-up joins the dialog's outreach.
 */
export function wechatOfficialAccount(
  config: Config,
  database: Database,
  logger: Logger,
): WechatOfficial | undefined {
  if (!config.wechat || !config.wechatOfficial) return undefined;
  return createWechatOfficial({
    connection: database.connection,
    clock: systemClock,
    logger,
    settings: config.wechatOfficial,
    timeZone: config.timezone,
    ...(config.conversation.propertyName ? { propertyName: config.conversation.propertyName } : {}),
    outbox: createOutbox({ connection: database.connection, clock: systemClock }),
  });
}

/**
 * Builds every configured channel and mounts its routes. The web chat needs no credentials:
 * it is always on, so a fresh install has a channel.
 */
export async function buildChannels(
  ctx: AppContext,
  official: WechatOfficial | undefined,
): Promise<Channels> {
  const adapters = [await webChatChannel(ctx)];
  if (ctx.config.telegram) adapters.push(telegramChannel(ctx, ctx.config.telegram));
  if (ctx.config.slack) adapters.push(slackChannel(ctx, ctx.config.slack));
  if (!ctx.config.wechat) return { adapters, wechatQrCode: () => undefined };
  const wechat = wechatChannel(ctx, ctx.config.wechat, official);
  adapters.push(wechat.adapter);
  return { adapters, wechatQrCode: () => wechat.latestQrCode || undefined };
}

/** Registers each adapter with the core (sends counted for /metrics) and starts it receiving. */
export async function startChannels(ctx: AppContext, adapters: ChannelAdapter[]): Promise<void> {
  for (const adapter of adapters) {
    ctx.core.registerAdapter(instrumentAdapter(adapter, ctx.metrics));
    await adapter.start(ctx.receive);
  }
}

async function webChatChannel(ctx: AppContext): Promise<ChannelAdapter> {
  const { database, clock, logger } = ctx;
  const webChat = createWebChat({
    connection: database.connection,
    clock,
    logger,
    sessionIds: await createSessionIds(database.connection),
    limits: ctx.config.webChatLimits,
    attachments: ctx.attachments,
    onRefused: reportRefusals(ctx.metrics, logger, clock),
  });
  webChat.routes(ctx.server);
  return webChat.adapter;
}

function telegramChannel(ctx: AppContext, settings: NonNullable<Config['telegram']>): ChannelAdapter {
  const telegram = createTelegramChannel({
    settings,
    clock: ctx.clock,
    logger: ctx.logger,
    onUnreachable: (platformUserId, reason) =>
      ctx.core.owners.markUnreachable('telegram', platformUserId, reason),
  });
  telegram.routes(ctx.server);
  return telegram.adapter;
}

/** Slack for owners, and the staff desk when an escalation channel is set. */
function slackChannel(ctx: AppContext, settings: NonNullable<Config['slack']>): ChannelAdapter {
  const { core, config } = ctx;
  const slack = createSlackChannel({ settings, logger: ctx.logger });
  if (settings.escalationChannel) {
    registerSlackDesk(ctx.server, {
      signingSecret: settings.signingSecret,
      botToken: settings.botToken,
      apiUrl: settings.apiUrl,
      escalationChannel: settings.escalationChannel,
      staffUserIds: settings.staffUserIds,
      supervisorUserIds: settings.supervisorUserIds,
      ...(settings.botId ? { botId: settings.botId } : {}),
      ...(settings.botUserId ? { botUserId: settings.botUserId } : {}),
      client: slack.client,
      caseDesk: core.caseDesk,
      tickets: core.tickets,
      owners: core.owners,
      receive: ctx.receive,
      announce: (input) => core.announcements.fromSlack(input),
      clock: ctx.clock,
      logger: ctx.logger,
      language: config.staffLanguage,
      timeZone: config.timezone,
    });
  }
  return slack.adapter;
}

function wechatChannel(
  ctx: AppContext,
  settings: NonNullable<Config['wechat']>,
  official: WechatOfficial | undefined,
) {
  const { owners } = ctx.core;
  const wechaty = WechatyBuilder.build({
    name: 'ownerbot',
    // wechaty loads any installed puppet package by name; its type lists the official ones.
    puppet: settings.puppet as PuppetModuleName,
    ...(settings.puppetToken ? { puppetOptions: { token: settings.puppetToken } } : {}),
  });
  return createWechatChannel({
    wechaty,
    clock: ctx.clock,
    logger: ctx.logger,
    lastInboundAt: async (contactId) => (await owners.identityByKey(`wechat:${contactId}`))?.lastInboundAt,
    ...(official ? { official } : {}),
    onUnreachable: (contactId, reason) => owners.markUnreachable('wechat', contactId, reason),
  });
}
