import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { canConnect } from './free-port';

/** How to run one server process of the embedded engine. */
export interface ServerCommand {
  /** Shown in log lines and errors: "PostgreSQL", "FerretDB". */
  name: string;
  binary: string;
  args: readonly string[];
  /** Its output goes here (appended). */
  logFile: string;
  /** Where its pid is written while it runs, so a later start can find a leftover. */
  pidFile: string;
  port: number;
  /** Extra spawn options: an unprivileged uid/gid, environment. */
  spawnOptions?: Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'>;
  /** Signal for a clean stop (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs?: number;
}

/** A server process kept running: restarted on the same port when it dies unexpectedly. */
export interface SupervisedServer {
  readonly pid: number | undefined;
  /** Stops it (clean signal, then SIGKILL after 10 s) and waits; no restart afterwards. */
  stop(): Promise<void>;
  /** Synchronous last resort for crash paths: SIGKILL, no waiting, no restart. */
  killNow(): void;
}

/**
 * Starts `command` and waits until its port accepts connections. If it dies while still
 * wanted, it is restarted on the same port with a growing back-off (0.5 s doubling to 30 s),
 * so clients that reconnect by themselves (the MongoDB driver, FerretDB's pool) recover.
 */
export async function startSupervisedServer(
  command: ServerCommand,
  logger: Logger,
): Promise<SupervisedServer> {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  const onUnexpectedExit = (exited: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping || exited !== child) return;
    child = undefined;
    restarts += 1;
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts - 1, 6));
    logger.error(
      { code, signal, restartInMs: delayMs, logFile: command.logFile },
      `${command.name} (embedded database engine) stopped; restarting it`,
    );
    void (async () => {
      await sleep(delayMs);
      if (stopping) return;
      try {
        child = await launch(command, onUnexpectedExit);
        logger.info({ port: command.port }, `${command.name} is back`);
      } catch (error) {
        logger.error({ err: error }, `${command.name} could not be restarted`);
        if (!stopping && !child) onUnexpectedExit(exited, null, null);
      }
    })();
  };

  child = await launch(command, onUnexpectedExit);

  const killNow = () => {
    stopping = true;
    child?.kill('SIGKILL');
  };
  process.once('exit', killNow);

  return {
    get pid() {
      return child?.pid;
    },
    killNow,
    async stop() {
      stopping = true;
      process.removeListener('exit', killNow);
      const running = child;
      child = undefined;
      if (running) await stopChild(running, command.stopSignal ?? 'SIGTERM');
      fs.rmSync(command.pidFile, { force: true });
    },
  };
}

async function launch(
  command: ServerCommand,
  onExit: (child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => void,
): Promise<ChildProcess> {
  const logFd = fs.openSync(command.logFile, 'a');
  const launched = spawn(command.binary, [...command.args], {
    ...command.spawnOptions,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => launched.once('exit', () => resolve()));
  launched.once('error', () => undefined); // a spawn failure also ends in 'exit' or a timeout below
  const ready = await waitUntilListening(command.port, exited, command.startTimeoutMs ?? 30_000);
  if (!ready) {
    launched.kill('SIGKILL');
    throw new DatabaseError(
      'engine_start_failed',
      `${command.name} did not start on 127.0.0.1:${command.port}; see ${command.logFile}:\n${tail(command.logFile)}`,
    );
  }
  fs.writeFileSync(command.pidFile, String(launched.pid));
  launched.once('exit', (code, signal) => onExit(launched, code, signal));
  return launched;
}

async function stopChild(running: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill(signal);
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    running.kill('SIGKILL');
    await exited;
  }
}

async function waitUntilListening(port: number, exited: Promise<void>, timeoutMs: number): Promise<boolean> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !hasExited) {
    if (await canConnect(port)) return true;
    await sleep(100);
  }
  return false;
}

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 10): string {
  return readText(file).split('\n').slice(-lines).join('\n');
}

/** A small text file's contents, or '' when it cannot be read. */
export function readText(file: string): string {
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
 * Stops a server left running by an ownerbot process that was killed (its pid file names a
 * live process whose command line contains `processName`); it would hold the data directory.
 */
export async function stopLeftover(
  pidFile: string,
  processName: string,
  signal: NodeJS.Signals,
  logger: Logger,
): Promise<void> {
  const pid = Number(readText(pidFile).split('\n')[0]);
  if (!pid || !isAlive(pid) || !readText(`/proc/${pid}/cmdline`).includes(processName)) return;
  logger.warn({ pid }, `Stopping a ${processName} left over from an earlier run`);
  process.kill(pid, signal);
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 3000 && isAlive(pid); waited += 50) await sleep(50);
}
