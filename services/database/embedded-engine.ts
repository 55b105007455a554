import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import type { EmbeddedEngine } from './engine';
import { startFerretdb } from './ferretdb';
import { startPostgres } from './postgres';
import { isAlive, readText } from './supervised-process';

/** Which process runs the embedded engine on a data directory, so a CLI command can share it. */
interface EngineOwner {
  ownerPid: number;
  port: number;
}

/**
 * Starts the embedded engine in `dataDir`: a private PostgreSQL, and FerretDB on it speaking
 * MongoDB's protocol on a loopback port. When a live ownerbot process (the app, while this
 * is a CLI command) already runs it on this directory, that one is shared: two servers on
 * one data directory cannot both run.
 */
export async function startEmbeddedEngine(options: {
  binary: string;
  dataDir: string;
  logger: Logger;
}): Promise<EmbeddedEngine> {
  const { binary, dataDir, logger } = options;
  const ownerFile = path.join(dataDir, 'engine-owner.json');
  const shared = liveOwner(ownerFile);
  if (shared) {
    logger.info(
      { port: shared.port, ownerPid: shared.ownerPid },
      'Using the embedded engine of the running ownerbot',
    );
    return {
      kind: 'ferretdb-postgresql',
      uri: `mongodb://127.0.0.1:${shared.port}/`,
      pid: undefined,
      killNow: () => {},
      stop: async () => {},
    };
  }

  const postgres = await startPostgres({ dataDir, logger });
  const ferretdb = await startFerretdb({ binary, dataDir, postgresUrl: postgres.url, logger }).catch(
    async (error: unknown) => {
      await postgres.stop();
      throw error;
    },
  );
  fs.writeFileSync(
    ownerFile,
    JSON.stringify({ ownerPid: process.pid, port: ferretdb.port } satisfies EngineOwner),
  );
  logger.info(
    { port: ferretdb.port, postgresPort: postgres.port, dataDir },
    'Embedded database engine (FerretDB on PostgreSQL) is running',
  );
  return {
    kind: 'ferretdb-postgresql',
    uri: `mongodb://127.0.0.1:${ferretdb.port}/`,
    get pid() {
      return ferretdb.pid;
    },
    get postgresPid() {
      return postgres.pid;
    },
    killNow() {
      ferretdb.killNow();
      postgres.killNow();
    },
    async stop() {
      await ferretdb.stop();
      await postgres.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

function liveOwner(ownerFile: string): EngineOwner | undefined {
  try {
    const owner = JSON.parse(readText(ownerFile)) as Partial<EngineOwner>;
    if (
      owner.ownerPid &&
      owner.port &&
      owner.ownerPid !== process.pid &&
      isAlive(owner.ownerPid) &&
      readText(`/proc/${owner.ownerPid}/cmdline`).includes('node')
    ) {
      return { ownerPid: owner.ownerPid, port: owner.port };
    }
  } catch {
    // no owner file, or an unreadable one: nobody to share with
  }
  return undefined;
}
