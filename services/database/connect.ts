import mongoose from 'mongoose';
import type { Logger } from '../logging/logger';
import type { EngineKind } from './engine';
import { installRevisionGuard } from './revision-guard';

/** An open database connection plus what /healthz needs to know about it. */
export interface Database {
  connection: mongoose.Connection;
  engine: EngineKind;
  /** Round-trips a `ping`; never throws, never waits longer than `timeoutMs`. */
  ping(timeoutMs?: number): Promise<{ ok: boolean; latencyMs: number; error?: string }>;
  close(): Promise<void>;
}

/**
 * Opens a connection with production settings: bounded pool and timeouts, filters
 * sanitized (an owner's `{"$ne": ...}` can never become a query operator; our own
 * operators go through `trusted()`), and unknown filter paths rejected.
 */
export async function connectDatabase(options: {
  uri: string;
  dbName?: string;
  engine: EngineKind;
  logger: Logger;
}): Promise<Database> {
  installRevisionGuard();
  const connection = mongoose.createConnection(options.uri, {
    dbName: options.dbName ?? databaseNameIn(options.uri) ?? 'ownerbot',
    maxPoolSize: 20,
    minPoolSize: 0,
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: 30_000,
    heartbeatFrequencyMS: 2000,
    sanitizeFilter: true,
    autoIndex: true,
    autoCreate: true,
  });
  connection.set('strictQuery', 'throw');
  let closing = false;
  connection.on('disconnected', () => {
    // Closing on purpose also disconnects; only an unplanned loss is worth a warning.
    if (!closing) options.logger.warn('Database connection lost; the driver keeps retrying');
  });
  connection.on('reconnected', () => options.logger.info('Database connection restored'));
  await connection.asPromise();

  return {
    connection,
    engine: options.engine,
    async ping(timeoutMs = 1500) {
      const started = performance.now();
      const db = connection.db;
      if (!db) return { ok: false, latencyMs: 0, error: 'not connected' };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.command({ ping: 1 }, { timeoutMS: timeoutMs }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (error) {
        return {
          ok: false,
          latencyMs: Math.round(performance.now() - started),
          error: (error as Error).message,
        };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closing = true;
      await connection.close();
    },
  };
}

/** Marks a filter fragment of our own (not owner input) as allowed to carry query operators. */
export const trusted = <T>(filter: T): T => mongoose.trusted(filter) as T;

/** The database named in a connection string's path (`mongodb://host/NAME?...`), if any. */
export function databaseNameIn(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? undefined : name;
}
