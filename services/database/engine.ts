import fs from 'node:fs';
import path from 'node:path';
import { MongoMemoryServer } from 'mongodb-memory-server-core';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { ensureFerretdbBinary, hasGo, startFerretdb } from './ferretdb';

/** Which engine serves the database; shown by /healthz. */
export type EngineKind = 'mongodb' | 'ferretdb' | 'mongodb-memory-server';

/** A database engine this process started (or the external one it was pointed at). */
export interface EmbeddedEngine {
  kind: EngineKind;
  uri: string;
  /** Process id of the engine child, when we run one. */
  readonly pid: number | undefined;
  /** Stops the engine and waits for it to exit. */
  stop(): Promise<void>;
  /** Synchronous last resort for crash paths: SIGKILL the child, no waiting. */
  killNow(): void;
}

export const NO_ENGINE_MESSAGE = [
  'No database engine is available. Choose one of:',
  '  1. set MONGODB_URI to a MongoDB server or Atlas cluster (mongodb://... or mongodb+srv://...);',
  '  2. install Go (https://go.dev/dl/) so ownerbot can build its embedded engine, FerretDB, on first start;',
  '  3. allow mongodb-memory-server to download a mongod binary (internet access to fastdl.mongodb.org).',
].join('\n');

/**
 * Gives the process a database: the configured `MONGODB_URI`, else an embedded FerretDB
 * (built with Go), else mongodb-memory-server. Fails with one message naming all three ways out.
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
    return startFerretdb({ binary, dataDir: options.dataDir, logger: options.logger });
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
