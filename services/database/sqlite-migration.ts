import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Logger } from '../logging/logger';
import { findFreeLoopbackPort } from './free-port';
import { startSupervisedServer } from './supervised-process';

type MongoClient = InstanceType<typeof mongoose.mongo.MongoClient>;
type Db = ReturnType<MongoClient['db']>;

/** What a copy of the earlier engine's data did, per collection and in all. */
export interface MigrationReport {
  collections: Array<{ database: string; collection: string; copied: number; present: number }>;
  copied: number;
  /** Documents the new engine held already (same _id): left as they are. */
  present: number;
}

const BATCH = 1000;
const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);

/** The earlier embedded engine (FerretDB on SQLite) kept its data here, one file per database. */
export function sqliteDataDir(dataDir: string): string {
  return path.join(dataDir, 'sqlite');
}

function markerFile(dataDir: string): string {
  return path.join(sqliteDataDir(dataDir), 'MIGRATED.json');
}

/** True when `dataDir` holds data of the earlier SQLite engine. */
export function hasSqliteData(dataDir: string): boolean {
  const folder = sqliteDataDir(dataDir);
  return fs.existsSync(folder) && fs.readdirSync(folder).some((name) => name.endsWith('.sqlite'));
}

/**
 * At start: data of the earlier SQLite engine is copied into the new engine once, when the new
 * one holds nothing yet; otherwise the start-up log offers `npx ownerbot engine migrate`. The
 * old files are kept (and the log says so) until the user removes them. Never throws: a failed
 * copy is logged with the command that finishes it, and the old files stay.
 */
export async function migrateSqliteDataOnStart(options: {
  binary: string;
  dataDir: string;
  targetUri: string;
  logger: Logger;
}): Promise<void> {
  const { dataDir, logger } = options;
  if (!hasSqliteData(dataDir)) return;
  const folder = sqliteDataDir(dataDir);
  if (fs.existsSync(markerFile(dataDir))) {
    logger.info(
      { folder },
      'Data of the earlier SQLite engine was copied already; remove that folder when you no longer need it',
    );
    return;
  }
  try {
    if (!(await isEmpty(options.targetUri))) {
      logger.warn(
        { folder },
        'Found data of the earlier SQLite engine, and the database holds data too: run `npx ownerbot engine migrate` to copy the old data in (documents present already are kept)',
      );
      return;
    }
    logger.warn({ folder }, 'Found data of the earlier SQLite engine: copying it into the new engine (once)');
    const target = new mongoose.mongo.MongoClient(options.targetUri);
    const report = await migrateSqliteData({ ...options, target }).finally(() => target.close());
    logger.info(
      { copied: report.copied, collections: report.collections.length, folder },
      'Copied the earlier engine’s data; its files are kept until you remove them',
    );
  } catch (error) {
    logger.error(
      { err: error, folder },
      'Copying the earlier SQLite engine’s data failed; nothing was removed. Run `npx ownerbot engine migrate` to finish it',
    );
  }
}

/**
 * Copies every database and collection (indexes first, then documents in batches) from the
 * earlier SQLite engine, run on a loopback port of its own for the copy, into `target`.
 * Documents already present (same _id) are left alone, so running it twice copies nothing
 * twice. Writes a marker with the counts; never deletes the old files.
 */
export async function migrateSqliteData(options: {
  binary: string;
  dataDir: string;
  target: MongoClient;
  logger: Logger;
  onProgress?: (line: string) => void;
}): Promise<MigrationReport> {
  const source = await startSqliteEngine(options);
  const from = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${source.port}/`);
  const to = options.target;
  try {
    await from.connect();
    const report: MigrationReport = { collections: [], copied: 0, present: 0 };
    const { databases } = await from.db('admin').admin().listDatabases();
    for (const { name } of databases) {
      if (SYSTEM_DATABASES.has(name)) continue;
      for (const collection of await from.db(name).listCollections({ type: 'collection' }).toArray()) {
        const counts = await copyCollection(from.db(name), to.db(name), collection.name);
        report.collections.push({ database: name, collection: collection.name, ...counts });
        report.copied += counts.copied;
        report.present += counts.present;
        options.onProgress?.(
          `${name}.${collection.name}: ${counts.copied} copied, ${counts.present} present already`,
        );
      }
    }
    fs.writeFileSync(
      markerFile(options.dataDir),
      JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2),
    );
    return report;
  } finally {
    await from.close().catch(() => undefined);
    await source.stop();
  }
}

async function copyCollection(from: Db, to: Db, name: string): Promise<{ copied: number; present: number }> {
  for (const index of await from.collection(name).listIndexes().toArray()) {
    if (index.name === '_id_') continue;
    await to.collection(name).createIndex(index.key, { name: index.name, unique: index.unique === true });
  }
  let copied = 0;
  let present = 0;
  let batch: Array<Record<string, unknown>> = [];
  const flush = async () => {
    const inserted = await insertNew(to, name, batch);
    copied += inserted;
    present += batch.length - inserted;
    batch = [];
  };
  for await (const document of from.collection(name).find({}, { sort: { _id: 1 } })) {
    batch.push(document);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { copied, present };
}

/** Inserts the documents not present yet; returns how many went in. */
async function insertNew(to: Db, name: string, documents: Array<Record<string, unknown>>): Promise<number> {
  if (documents.length === 0) return 0;
  try {
    return (await to.collection(name).insertMany(documents, { ordered: false })).insertedCount;
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((writeError) => writeError.code !== 11000)) throw error;
    return documents.length - list.length;
  }
}

async function isEmpty(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri);
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases();
    for (const { name } of databases) {
      if (SYSTEM_DATABASES.has(name)) continue;
      if ((await client.db(name).listCollections().toArray()).length > 0) return false;
    }
    return true;
  } finally {
    await client.close();
  }
}

/** The earlier engine, read-only in spirit: FerretDB's SQLite handler on the old files. */
async function startSqliteEngine(options: { binary: string; dataDir: string; logger: Logger }) {
  const port = await findFreeLoopbackPort();
  const stateDir = path.join(options.dataDir, 'sqlite-migration-state');
  fs.mkdirSync(stateDir, { recursive: true });
  const server = await startSupervisedServer(
    {
      name: 'FerretDB (SQLite, earlier engine)',
      binary: options.binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${sqliteDataDir(options.dataDir)}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${stateDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      logFile: path.join(options.dataDir, 'sqlite-migration.log'),
      pidFile: path.join(options.dataDir, 'sqlite-migration.pid'),
      port,
    },
    options.logger,
  );
  return { port, stop: () => server.stop() };
}
