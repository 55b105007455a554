import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedEngine } from '../../services/database/embedded-engine';
import { ensureFerretdbBinary } from '../../services/database/ferretdb-build';
import type { EmbeddedEngine } from '../../services/database/engine';

/**
 * Starts one real database engine (the same embedded engine the app uses, FerretDB on PostgreSQL) in a temp
 * directory for the whole jest run. Each test file then works in a database of its own.
 * MONGODB_URI in the environment runs the suite against that server instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.OWNERBOT_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const logger = pino({ level: 'info' }, pino.destination({ fd: 2, sync: true }));
  const root = path.resolve(__dirname, '../..');
  const binary = await ensureFerretdbBinary({ cacheDir: path.join(root, '.cache'), logger });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-test-db-'));
  const engine = await startEmbeddedEngine({
    binary,
    dataDir,
    logger: pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true })),
  });
  process.env.OWNERBOT_TEST_MONGODB_URI = engine.uri;
  process.env.OWNERBOT_TEST_ENGINE_BINARY = binary;
  (
    globalThis as { __ownerbotTestEngine?: { engine: EmbeddedEngine; dataDir: string } }
  ).__ownerbotTestEngine = {
    engine,
    dataDir,
  };
}
