import crypto from 'node:crypto';
import path from 'node:path';
import type { Model } from 'mongoose';
import pino from 'pino';
import { connectDatabase, type Database } from '../../services/database/connect';
import { castForInsert } from '../../services/database/cast-for-insert';

/** The engine started by global-setup (or MONGODB_URI). */
export function testDatabaseUri(): string {
  const uri = process.env.OWNERBOT_TEST_MONGODB_URI;
  if (!uri)
    throw new Error(
      'OWNERBOT_TEST_MONGODB_URI is unset: run tests through jest (global-setup starts the engine)',
    );
  return uri;
}

/** A database name of this test file's own, so files running in parallel never see each other's data. */
export function uniqueDatabaseName(label = expect.getState().testPath ?? 'test'): string {
  const base = path
    .basename(label)
    .replace(/\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9]/g, '_')
    .slice(0, 30);
  return `t_${base}_${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * Opens a fresh database for the calling test file and drops it afterwards.
 * Call at the top level of a test file; use the returned getter inside tests.
 */
export function useTestDatabase(): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await connectDatabase({
      uri: testDatabaseUri(),
      dbName: uniqueDatabaseName(),
      engine: 'ferretdb-postgresql',
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    if (!database) return;
    await database.connection.dropDatabase().catch(() => undefined);
    await database.close();
  });
  return () => {
    if (!database) throw new Error('the test database is opened in beforeAll');
    return database;
  };
}

/**
 * Fails unless `stored` (as read from the collection) is exactly what mongoose would store
 * for it: every defaulted field there, every value of its schema type, nothing the schema
 * lacks. For writes that go to the driver directly.
 */
export async function expectStoredAsSchemaWould(model: Model<never>, stored: unknown): Promise<void> {
  expect(stored).toBeTruthy();
  expect(await castForInsert(model, stored as object)).toStrictEqual(stored);
}
