import type { Writable } from 'node:stream';
import type { Logger } from '../logging/logger';
import type { Database } from './connect';
import { ensureFerretdbBinary, hasGo } from './ferretdb-build';
import { hasSqliteData, migrateSqliteData, sqliteDataDir } from './sqlite-migration';

/**
 * `ownerbot engine migrate`: copies the earlier SQLite engine's data in `dataDir` into the
 * database ownerbot uses now (the embedded engine, or MongoDB when MONGODB_URI is set).
 * Documents present already are kept; the old files are never removed. Exit code 0 or 1.
 */
export async function runEngineMigrate(context: {
  database: Database;
  dataDir: string;
  cacheDir: string;
  logger: Logger;
  out: Writable;
}): Promise<number> {
  const folder = sqliteDataDir(context.dataDir);
  if (!hasSqliteData(context.dataDir)) {
    context.out.write(`No data of the earlier SQLite engine in ${folder}: nothing to copy.\n`);
    return 0;
  }
  if (!hasGo()) {
    context.out.write(
      'Reading the earlier engine needs its binary, which is built with Go: install Go first.\n',
    );
    return 1;
  }
  const binary = await ensureFerretdbBinary({ cacheDir: context.cacheDir, logger: context.logger });
  const report = await migrateSqliteData({
    binary,
    dataDir: context.dataDir,
    target: context.database.connection.getClient(),
    logger: context.logger,
    onProgress: (line) => context.out.write(`${line}\n`),
  });
  context.out.write(
    `Copied ${report.copied} documents from ${report.collections.length} collections; ${report.present} were present already.\n` +
      `The old files stay in ${folder} until you remove them.\n`,
  );
  return 0;
}
