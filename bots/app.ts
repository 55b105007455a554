import type { FastifyInstance } from 'fastify';
import type { Config } from '../services/config/load-config';
import { connectDatabase, type Database } from '../services/database/connect';
import { startDatabaseEngine, type EmbeddedEngine } from '../services/database/engine';
import type { Logger } from '../services/logging/logger';
import { createMetrics, type Metrics } from '../services/metrics/metrics';
import { instrumentAdapter, instrumentReceive } from '../services/metrics/instrument';
import { WechatyBuilder, type PuppetModuleName } from 'wechaty';
import { createSlackChannel } from './channels/slack/slack';
import { registerSlackDesk } from './channels/slack/slack-desk';
import { createTelegramChannel } from './channels/telegram/telegram';
import { createTelegramFiles } from './channels/telegram/telegram-files';
import { createWechatChannel } from './channels/wechat/wechat';
import { createSessionIds } from './channels/web/session-ids';
import { createWebChat } from './channels/web/web-chat';
import { reportRefusals } from './channels/web/web-limits';
import type { ChannelAdapter } from '../services/channels/types';
import { startCore, type Core } from './core/core';
import { systemClock } from '../services/clock';
import { registerDashboard } from './http/dashboard';
import { registerDesk } from './http/desk';
import { createAdminAccess } from './http/admin-access';
import { deskPhotoSource, registerAttachments } from './http/attachments';
import { createAttachmentStore } from '../services/attachments/attachment-store';
import { createCannedReplies } from '../services/staff/canned-replies';
import { createStaffAccounts } from '../services/staff/staff-accounts';
import { createReportService } from '../services/reports/report-service';
import { startReportRefreshSchedule } from '../schedules/report-refresh';
import { createHttpServer } from './http/server';
import { createOutbox } from '../services/outbox/outbox';
import { createWechatOfficial } from '../services/wechat-official/wechat-official';

/** A running ownerbot: what tests and the entry point need to reach. */
export interface RunningApp {
  config: Config;
  engine: EmbeddedEngine;
  database: Database;
  metrics: Metrics;
  server: FastifyInstance;
  /** The conversation core: adapters hand it messages, desks act on its cases. */
  core: Core;
  /** The port actually bound (differs from config.port when that is 0). */
  port: number;
  /** Stops taking work, finishes what is in flight (bounded), closes the database, stops the engine. */
  stop(): Promise<void>;
}

/**
 * The composition root: the only place that turns configuration into real clients,
 * services, channel adapters and schedules, and wires them together.
 */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  for (const status of config.channels) {
    logger.info({ channel: status.channel, enabled: status.enabled, reason: status.reason }, 'Channel');
  }

  const engine = await startDatabaseEngine({ ...config.database, logger });
  let database: Database | undefined;
  let server: FastifyInstance | undefined;
  let openCore: Core | undefined;
  let openAdapters: ChannelAdapter[] = [];
  let stopReports: () => Promise<void> = async () => undefined;
  try {
    database = await connectDatabase({ uri: engine.uri, engine: engine.kind, logger });
    const metrics = createMetrics();
    // The Official Account API (WeChat templates); its follow-up joins the dialog's outreach.
    const official =
      config.wechat && config.wechatOfficial
        ? createWechatOfficial({
            connection: database.connection,
            clock: systemClock,
            logger,
            settings: config.wechatOfficial,
            timeZone: config.timezone,
            ...(config.conversation.propertyName ? { propertyName: config.conversation.propertyName } : {}),
            outbox: createOutbox({ connection: database.connection, clock: systemClock }),
          })
        : undefined;
    const core = await startCore({
      config,
      connection: database.connection,
      logger,
      metrics,
      ...(official ? { outreach: [official.followUp] } : {}),
    });
    openCore = core;
    server = createHttpServer({ logger, metrics, database, trustedProxies: config.trustedProxies });
    const adapters: ChannelAdapter[] = [];
    // Counted per channel and result for /metrics and /healthz.
    const store = instrumentReceive((message) => core.inbound.receive(message), metrics);
    // Photos owners upload in the web chat; staff see them through /attachments.
    const attachments = createAttachmentStore({ connection: database.connection, clock: systemClock });
    // The web chat needs no credentials: it is always on, so a fresh install has a channel.
    const webChat = createWebChat({
      connection: database.connection,
      clock: systemClock,
      logger,
      sessionIds: await createSessionIds(database.connection),
      limits: config.webChatLimits,
      attachments,
      onRefused: reportRefusals(metrics, logger, systemClock),
    });
    webChat.routes(server);
    adapters.push(webChat.adapter);
    if (config.telegram) {
      const telegram = createTelegramChannel({
        settings: config.telegram,
        clock: systemClock,
        logger,
        onUnreachable: (platformUserId, reason) =>
          core.owners.markUnreachable('telegram', platformUserId, reason),
      });
      telegram.routes(server);
      adapters.push(telegram.adapter);
    }
    if (config.slack) {
      const slack = createSlackChannel({ settings: config.slack, logger });
      adapters.push(slack.adapter);
      if (config.slack.escalationChannel) {
        registerSlackDesk(server, {
          signingSecret: config.slack.signingSecret,
          botToken: config.slack.botToken,
          apiUrl: config.slack.apiUrl,
          escalationChannel: config.slack.escalationChannel,
          staffUserIds: config.slack.staffUserIds,
          supervisorUserIds: config.slack.supervisorUserIds,
          ...(config.slack.botId ? { botId: config.slack.botId } : {}),
          ...(config.slack.botUserId ? { botUserId: config.slack.botUserId } : {}),
          client: slack.client,
          caseDesk: core.caseDesk,
          tickets: core.tickets,
          owners: core.owners,
          receive: store,
          announce: (input) => core.announcements.fromSlack(input),
          clock: systemClock,
          logger,
          language: config.staffLanguage,
          timeZone: config.timezone,
        });
      }
    }
    let wechatQrCode: () => string | undefined = () => undefined;
    if (config.wechat) {
      const wechaty = WechatyBuilder.build({
        name: 'ownerbot',
        // wechaty loads any installed puppet package by name; its type lists the official ones.
        puppet: config.wechat.puppet as PuppetModuleName,
        ...(config.wechat.puppetToken ? { puppetOptions: { token: config.wechat.puppetToken } } : {}),
      });
      const wechat = createWechatChannel({
        wechaty,
        clock: systemClock,
        logger,
        lastInboundAt: async (contactId) =>
          (await core.owners.identityByKey(`wechat:${contactId}`))?.lastInboundAt,
        ...(official ? { official } : {}),
        onUnreachable: (contactId, reason) => core.owners.markUnreachable('wechat', contactId, reason),
      });
      adapters.push(wechat.adapter);
      wechatQrCode = () => wechat.latestQrCode || undefined;
    }
    // One sign-in for the desk and the dashboard: `admin` with ADMIN_TOKEN, or a named account.
    const accounts = createStaffAccounts({ connection: database.connection, clock: systemClock });
    const access = createAdminAccess({
      adminToken: config.adminToken,
      openOnLoopback: !config.database.uri,
      accounts,
      clock: systemClock,
    });
    registerAttachments(server, { access, attachments });
    registerDesk(server, {
      access,
      wechatQrCode: () => wechatQrCode(),
      outreachNotReached: () =>
        core.reach.unreachedSince(new Date(systemClock.now().getTime() - 30 * 86_400_000)),
      tickets: core.tickets,
      caseDesk: core.caseDesk,
      owners: core.owners,
      accounts,
      canned: createCannedReplies({ connection: database.connection, clock: systemClock }),
      audit: core.audit,
      // Photos: web chat uploads from the database, Telegram's through its Bot API.
      attachments: deskPhotoSource(
        attachments,
        config.telegram
          ? createTelegramFiles({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, logger })
          : undefined,
      ),
      clock: systemClock,
      logger,
      language: config.staffLanguage,
      timeZone: config.timezone,
    });
    // The managers' dashboard reads report snapshots that this schedule keeps current.
    const reports = createReportService({
      connection: database.connection,
      clock: systemClock,
      logger,
      slaPolicy: config.sla,
      timeZone: config.timezone,
    });
    const reportRefresh = startReportRefreshSchedule({ reports, logger, timezone: config.timezone });
    stopReports = () => reportRefresh.stop();
    registerDashboard(server, {
      access,
      reports,
      connection: database.connection,
      clock: systemClock,
      timeZone: config.timezone,
      slaPolicy: config.sla,
      logger,
      language: config.staffLanguage,
    });
    for (const adapter of adapters) {
      core.registerAdapter(instrumentAdapter(adapter, metrics));
      await adapter.start(store);
    }
    openAdapters = adapters;
    await server.listen({ port: config.port, host: config.host });
    const address = server.server.address();
    const port = address && typeof address === 'object' ? address.port : config.port;
    logger.info({ port, engine: engine.kind }, `ownerbot is listening on http://localhost:${port}/`);

    const openDatabase = database;
    const openServer = server;
    let stopping: Promise<void> | undefined;
    return {
      config,
      engine,
      database,
      metrics,
      server,
      core,
      port,
      stop: () => {
        stopping ??= (async () => {
          await openServer.close();
          await stopReports();
          for (const adapter of openAdapters) await adapter.stop().catch(() => undefined);
          await core.stop();
          await openDatabase.close();
          await engine.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await server?.close().catch(() => undefined);
    await stopReports().catch(() => undefined);
    await openCore?.stop().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await engine.stop();
    throw error;
  }
}
