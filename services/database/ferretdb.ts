import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { canConnect, findFreeLoopbackPort } from './free-port';
import type { EmbeddedEngine } from './engine';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/** Where the built binary lives inside the cache folder. */
export function ferretdbBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/** True when a `go` toolchain is on PATH. */
export function hasGo(): boolean {
  const result = spawnSync('go', ['version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * Returns the path of a FerretDB binary, building it with Go the first time.
 *
 * Why not `go install ...@v1.24.2`: the module proxy refuses FerretDB's version list, which
 * `go install` reads for its deprecation check, and a FerretDB built as a dependency of
 * another module panics without its generated `version.txt`. So we download the exact
 * module, copy it, write `version.txt` and build it as the main module. Concurrent
 * processes (tests and an app) share one build through a lock directory.
 */
export async function ensureFerretdbBinary(options: { cacheDir: string; logger: Logger }): Promise<string> {
  const binary = ferretdbBinaryPath(options.cacheDir);
  if (isExecutable(binary)) return binary;

  const lockDir = `${binary}.lock`;
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  while (!tryLock(lockDir)) {
    if (isExecutable(binary)) return binary;
    if (Date.now() > deadline)
      throw new DatabaseError('engine_build_timeout', `Timed out waiting for ${lockDir}`);
    await sleep(1000);
  }
  try {
    if (isExecutable(binary)) return binary;
    options.logger.info(
      { version: FERRETDB_VERSION, binary },
      'Building the embedded database engine (FerretDB) with Go. The first build takes a few minutes; later starts reuse it.',
    );
    const started = Date.now();
    await buildFerretdb(binary);
    options.logger.info(
      { seconds: Math.round((Date.now() - started) / 1000) },
      'Embedded database engine built',
    );
    return binary;
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

async function buildFerretdb(binary: string): Promise<void> {
  const goEnv = { ...processEnvForGo(), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const download = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    env: goEnv,
  });
  const moduleDir = (JSON.parse(download) as { Dir?: string }).Dir;
  if (!moduleDir)
    throw new DatabaseError('engine_build_failed', `go mod download gave no directory: ${download}`);

  const workDir = `${path.dirname(binary)}/build-${process.pid}`;
  removeTree(workDir);
  fs.cpSync(moduleDir, workDir, { recursive: true });
  makeWritable(workDir);
  fs.writeFileSync(path.join(workDir, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
  try {
    const partial = `${binary}.partial-${process.pid}`;
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], { cwd: workDir, env: goEnv });
    fs.renameSync(partial, binary);
  } finally {
    removeTree(workDir);
  }
}

/**
 * Go needs HOME, PATH, proxy settings and its own GO* variables from the machine, and
 * nothing of ours (this is the toolchain's environment, not ownerbot configuration).
 */
function processEnvForGo(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // eslint-disable-next-line no-restricted-properties
  for (const [key, value] of Object.entries(process.env)) {
    if (
      key === 'PATH' ||
      key === 'HOME' ||
      key.startsWith('GO') ||
      key === 'TMPDIR' ||
      key.endsWith('_PROXY')
    ) {
      env[key] = value;
    }
  }
  return env;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) =>
      reject(
        new DatabaseError('engine_build_failed', `${command} could not start: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new DatabaseError(
            'engine_build_failed',
            `\`${command} ${args.join(' ')}\` failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`,
          ),
        );
    });
  });
}

function tryLock(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A lock left by a process that died is stale: take it over.
    const owner = Number(readText(path.join(lockDir, 'pid')));
    if (owner && !isAlive(owner)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      return tryLock(lockDir);
    }
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else fs.chmodSync(full, 0o644);
  }
}

function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts FerretDB (SQLite backend) on a free loopback port with its data in `dataDir`,
 * and keeps it running: if it dies while we still need it, it is restarted on the same
 * port with growing back-off, so open connections recover by themselves.
 */
export async function startFerretdb(options: {
  binary: string;
  dataDir: string;
  logger: Logger;
}): Promise<EmbeddedEngine> {
  const { binary, dataDir, logger } = options;
  const sqliteDir = path.join(dataDir, 'sqlite');
  const stateDir = path.join(dataDir, 'ferretdb-state');
  fs.mkdirSync(sqliteDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const pidFile = path.join(dataDir, 'ferretdb.pid');
  const ownerFile = path.join(dataDir, 'ferretdb.owner.json');
  const logFile = path.join(dataDir, 'ferretdb.log');
  const shared = runningEngineOfLiveProcess(pidFile, ownerFile);
  if (shared) {
    // Another ownerbot process (the app, while we are a CLI command) runs the engine on this
    // data directory; two engines on one SQLite directory would corrupt it, so share it.
    logger.info(
      { port: shared.port, ownerPid: shared.ownerPid },
      'Using the embedded engine of the running ownerbot',
    );
    return {
      kind: 'ferretdb',
      uri: `mongodb://127.0.0.1:${shared.port}/`,
      pid: undefined,
      killNow: () => {},
      stop: async () => {},
    };
  }
  await killLeftoverEngine(pidFile, logger);

  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let port = 0;

  const launch = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      if (port === 0) port = await findFreeLoopbackPort();
      const logFd = fs.openSync(logFile, 'a');
      const launched = spawn(
        binary,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${sqliteDir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${stateDir}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ],
        { stdio: ['ignore', logFd, logFd] },
      );
      fs.closeSync(logFd);
      const exited = new Promise<number | null>((resolve) => launched.once('exit', (code) => resolve(code)));
      const ready = await waitUntilListening(port, exited);
      if (ready) {
        child = launched;
        fs.writeFileSync(pidFile, String(launched.pid));
        fs.writeFileSync(ownerFile, JSON.stringify({ ownerPid: process.pid, port }));
        launched.once('exit', (code, signal) => onUnexpectedExit(launched, code, signal));
        return;
      }
      launched.kill('SIGKILL');
      if (attempt >= 3) {
        throw new DatabaseError(
          'engine_start_failed',
          `FerretDB did not start on 127.0.0.1:${port}; see ${logFile}:\n${tail(logFile)}`,
        );
      }
      // The port may have been taken between choosing and binding; choose again on a first start.
      if (restarts === 0) port = 0;
    }
  };

  const onUnexpectedExit = (
    exitedChild: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ) => {
    if (stopping || exitedChild !== child) return;
    child = undefined;
    restarts += 1;
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts - 1, 6));
    logger.error(
      { code, signal, restartInMs: delayMs, logFile },
      'Embedded database engine stopped; restarting it',
    );
    void (async () => {
      await sleep(delayMs);
      if (stopping) return;
      try {
        await launch();
        logger.info({ port }, 'Embedded database engine is back');
      } catch (error) {
        logger.error({ err: error }, 'Embedded database engine could not be restarted');
        if (!stopping && !child) onUnexpectedExit(exitedChild, null, null);
      }
    })();
  };

  const killNow = () => {
    stopping = true;
    child?.kill('SIGKILL');
  };
  process.once('exit', killNow);

  await launch();
  logger.info({ port, dataDir, logFile }, 'Embedded database engine (FerretDB, SQLite) is running');

  return {
    kind: 'ferretdb',
    uri: `mongodb://127.0.0.1:${port}/`,
    get pid() {
      return child?.pid;
    },
    killNow,
    async stop() {
      stopping = true;
      process.removeListener('exit', killNow);
      const running = child;
      child = undefined;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
        if (timedOut) {
          running.kill('SIGKILL');
          await exited;
        }
      }
      fs.rmSync(pidFile, { force: true });
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

async function waitUntilListening(port: number, exited: Promise<number | null>): Promise<boolean> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !hasExited) {
    if (await canConnect(port)) return true;
    await sleep(100);
  }
  return false;
}

/** The engine on this data directory, when the ownerbot process that started it is still alive. */
function runningEngineOfLiveProcess(
  pidFile: string,
  ownerFile: string,
): { port: number; ownerPid: number } | undefined {
  const pid = Number(readText(pidFile));
  if (!pid || !isAlive(pid) || !readText(`/proc/${pid}/cmdline`).includes('ferretdb')) return undefined;
  try {
    const owner = JSON.parse(readText(ownerFile)) as { ownerPid?: number; port?: number };
    if (owner.ownerPid && owner.port && owner.ownerPid !== process.pid && isAlive(owner.ownerPid)) {
      return { port: owner.port, ownerPid: owner.ownerPid };
    }
  } catch {
    // no owner file: treat the engine as left over
  }
  return undefined;
}

/** A FerretDB left running by a process that was killed would hold the data directory. */
async function killLeftoverEngine(pidFile: string, logger: Logger): Promise<void> {
  const pid = Number(readText(pidFile));
  if (!pid || !isAlive(pid)) return;
  const commandLine = readText(`/proc/${pid}/cmdline`);
  if (!commandLine.includes('ferretdb')) return;
  logger.warn({ pid }, 'Stopping an embedded database engine left over from an earlier run');
  process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 3000 && isAlive(pid); waited += 50) await sleep(50);
}

function tail(file: string): string {
  return readText(file).split('\n').slice(-10).join('\n');
}
