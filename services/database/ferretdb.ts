import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { findFreeLoopbackPort } from './free-port';
import { startSupervisedServer, stopLeftover, type SupervisedServer } from './supervised-process';

/**
 * FerretDB's Go runtime: collect garbage when the heap has grown 4x rather than 2x, with a
 * ceiling that brings the default back. Every command allocates its documents afresh, and with
 * the default a third of FerretDB's CPU went to collecting them (perf, web chat bench).
 */
const GO_RUNTIME = { GOGC: '400', GOMEMLIMIT: '512MiB' };

/** A running FerretDB: the MongoDB wire protocol on a loopback port. */
export interface FerretdbServer extends SupervisedServer {
  port: number;
}

/**
 * Starts FerretDB with its PostgreSQL handler over `postgresUrl`, on a free loopback port
 * (or `port`), supervised: restarted on the same port if it dies, so MongoDB clients
 * reconnect by themselves. Its log is `<dataDir>/ferretdb.log`.
 */
export async function startFerretdb(options: {
  binary: string;
  dataDir: string;
  postgresUrl: string;
  logger: Logger;
  port?: number;
}): Promise<FerretdbServer> {
  const { binary, dataDir, logger } = options;
  const stateDir = path.join(dataDir, 'ferretdb-state');
  fs.mkdirSync(stateDir, { recursive: true });
  const pidFile = path.join(dataDir, 'ferretdb.pid');
  await stopLeftover(pidFile, 'ferretdb', 'SIGTERM', logger);
  const port = options.port ?? (await findFreeLoopbackPort());
  const server = await startSupervisedServer(
    {
      name: 'FerretDB',
      binary,
      args: [
        '--handler=pg',
        `--postgresql-url=${options.postgresUrl}`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${stateDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      logFile: path.join(dataDir, 'ferretdb.log'),
      pidFile,
      port,
      // It needs nothing of ours but its garbage collector's settings.
      spawnOptions: { env: { PATH: '/usr/bin:/bin', TZ: 'UTC', ...GO_RUNTIME } },
    },
    logger,
  );
  return Object.assign(server, { port });
}
