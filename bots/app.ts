import type { FastifyInstance } from 'fastify';
import { createAttachmentStore } from '../services/attachments/attachment-store';
import { systemClock } from '../services/clock';
import type { Config } from '../services/config/load-config';
import { connectDatabase, type Database } from '../services/database/connect';
import { startDatabaseEngine, type EmbeddedEngine } from '../services/database/engine';
import type { Logger } from '../services/logging/logger';
import { instrumentReceive } from '../services/metrics/instrument';
import { createMetrics, type Metrics } from '../services/metrics/metrics';
import { startCore, type Core } from './core/core';
import { createHttpServer } from './http/server';
import type { AppContext } from './wiring/app-context';
import { buildChannels, startChannels, wechatOfficialAccount } from './wiring/channels';
import { stopApp, undoStart, type StartingApp } from './wiring/shutdown';
import { registerStaffRoutes } from './wiring/staff-routes';

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
  const open: StartingApp = { engine };
  try {
    const database = await connectDatabase({ uri: engine.uri, engine: engine.kind, logger });
    open.database = database;
    const metrics = createMetrics();
    const official = wechatOfficialAccount(config, database, logger);
    const core = await startCore({
      config,
      connection: database.connection,
      logger,
      metrics,
      ...(official ? { outreach: [official.followUp] } : {}),
    });
    open.core = core;
    const server = createHttpServer({ logger, metrics, database, trustedProxies: config.trustedProxies });
    open.server = server;
    const ctx: AppContext = {
      config,
      logger,
      clock: systemClock,
      database,
      metrics,
      server,
      core,
      receive: instrumentReceive((message) => core.inbound.receive(message), metrics),
      attachments: createAttachmentStore({ connection: database.connection, clock: systemClock }),
    };
    const channels = await buildChannels(ctx, official);
    const { stop: stopReports } = registerStaffRoutes(ctx, channels.wechatQrCode);
    open.stopReports = stopReports;
    await startChannels(ctx, channels.adapters);
    const running = { engine, database, core, server, stopReports, adapters: channels.adapters };
    const port = await listen(ctx, engine);
    return { config, engine, database, metrics, server, core, port, stop: once(() => stopApp(running)) };
  } catch (error) {
    await undoStart(open);
    throw error;
  }
}

/** Binds the configured address and reports the port actually bound. */
async function listen(ctx: AppContext, engine: EmbeddedEngine): Promise<number> {
  const { server, config } = ctx;
  await server.listen({ port: config.port, host: config.host });
  const address = server.server.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  ctx.logger.info({ port, engine: engine.kind }, `ownerbot is listening on http://localhost:${port}/`);
  return port;
}

/** The first call's promise, shared by every later call: stopping twice stops once. */
function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
}
