import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { connectDatabase, type Database } from '../../services/database/connect';
import type { EmbeddedEngine } from '../../services/database/engine';
import { startEmbeddedEngine } from '../../services/database/embedded-engine';
import { ensureFerretdbBinary } from '../../services/database/ferretdb-build';
import { PROJECT_ROOT } from '../../nlp/project-root';

/** A fresh embedded engine in a temp folder for one bench run (or MONGODB_URI when set). */
export async function startBenchDatabase(): Promise<{
  open(name: string): Promise<Database>;
  stop(): Promise<void>;
}> {
  const logger = pino({ level: 'error' });
  let engine: EmbeddedEngine | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const binary = await ensureFerretdbBinary({ cacheDir: path.join(PROJECT_ROOT, '.cache'), logger });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-bench-db-'));
    engine = await startEmbeddedEngine({ binary, dataDir, logger });
    uri = engine.uri;
  }
  const opened: Database[] = [];
  return {
    async open(name) {
      const database = await connectDatabase({
        uri: uri as string,
        dbName: `bench_${name}_${Date.now()}`,
        engine: engine ? 'ferretdb-postgresql' : 'mongodb',
        logger,
      });
      opened.push(database);
      return database;
    },
    async stop() {
      for (const database of opened) {
        await database.connection.dropDatabase().catch(() => undefined);
        await database.close().catch(() => undefined);
      }
      await engine?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const format = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits });

export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
