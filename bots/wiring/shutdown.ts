import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter } from '../../services/channels/types';
import type { Database } from '../../services/database/connect';
import type { EmbeddedEngine } from '../../services/database/engine';
import type { Core } from '../core/core';

/** What a started app holds open. */
export interface OpenApp {
  engine: EmbeddedEngine;
  database: Database;
  core: Core;
  server: FastifyInstance;
  /** Ends the report refresh schedule. */
  stopReports: () => Promise<void>;
  adapters: ChannelAdapter[];
}

/**
 * Stops a started app: the server takes no more requests, schedules and adapters stop (one
 * adapter failing to stop does not keep the rest open), the core finishes what is in flight,
 * then the database closes and the engine stops.
 */
export async function stopApp(open: OpenApp): Promise<void> {
  await open.server.close();
  await open.stopReports();
  for (const adapter of open.adapters) await adapter.stop().catch(() => undefined);
  await open.core.stop();
  await open.database.close();
  await open.engine.stop();
}

/** What a start has opened so far: the engine at least; the adapters are not stopped on a failed start. */
export type StartingApp = Partial<Omit<OpenApp, 'adapters'>> & Pick<OpenApp, 'engine'>;

/**
 * Undoes a start that failed part way: closes what was opened before the failure, ignoring
 * their errors (the start's own error is the one to report), and stops the engine.
 */
export async function undoStart(open: StartingApp): Promise<void> {
  await open.server?.close().catch(() => undefined);
  await open.stopReports?.().catch(() => undefined);
  await open.core?.stop().catch(() => undefined);
  await open.database?.close().catch(() => undefined);
  await open.engine.stop();
}
