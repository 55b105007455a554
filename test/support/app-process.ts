import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { connectDatabase, type Database } from '../../services/database/connect';
import { findFreeLoopbackPort } from '../../services/database/free-port';
import { testDatabaseUri, uniqueDatabaseName } from './database';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** One JSON log line of the app. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** The real ownerbot process (`bots/main.ts` through tsx), as `npm start` runs it. */
export interface AppProcess {
  child: ChildProcess;
  port: number;
  logs: LogLine[];
  stderr: () => string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  waitForExit(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts the app with a minimal environment (PATH and HOME plus `env`), so a developer's
 * own variables never leak in. Uses the project's engine cache, so no rebuild per test.
 */
export async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await findFreeLoopbackPort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bots/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ENGINE_CACHE_DIR: path.join(PROJECT_ROOT, '.cache'),
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stdoutBuffer = '';
  let stderrText = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutBuffer += chunk.toString();
    let newline: number;
    while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
      const line = stdoutBuffer.slice(0, newline);
      stdoutBuffer = stdoutBuffer.slice(newline + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line, unparsed: true });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderrText += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    child,
    port,
    logs,
    stderr: () => stderrText,
    waitForLog(predicate, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`log line not seen in ${timeoutMs} ms; stderr: ${stderrText.slice(-2000)}`));
        }, timeoutMs);
        waiters.add(check);
        void exit.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`app exited before the log line; stderr: ${stderrText.slice(-2000)}`));
        });
        check();
      });
    },
    async waitForExit(timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`app did not exit within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([exit, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface AppUnderTest {
  app(): AppProcess;
  /** The file's own database, open for the whole file (the app uses the same one). */
  database(): Database;
  /** `http://127.0.0.1:<port>` of the app. */
  base(): string;
}

/**
 * The real app on a fresh database of its own, for one test file or describe block: `seed`
 * writes data before the app starts; when the block ends the app stops and the database is
 * dropped. `env` may be a function, read when the app starts, for values that earlier
 * `beforeAll` hooks produce (a fake platform's URL); jest runs `afterAll` hooks in the order
 * they are declared, so close such fakes in an `afterAll` declared after this call.
 */
export function useAppProcess(options: {
  label: string;
  env?: Record<string, string> | (() => Record<string, string>);
  seed?: (connection: Connection) => Promise<void>;
  setupTimeoutMs?: number;
}): AppUnderTest {
  let app: AppProcess | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    const name = uniqueDatabaseName(options.label);
    database = await connectDatabase({
      uri: testDatabaseUri(),
      dbName: name,
      engine: 'ferretdb-postgresql',
      logger: pino({ level: 'silent' }),
    });
    await options.seed?.(database.connection);
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${name}`;
    const env = typeof options.env === 'function' ? options.env() : options.env;
    const started = await spawnApp({ MONGODB_URI: uri.toString(), ...env });
    app = started;
    await started
      .waitForLog((line) => String(line.msg).includes('is listening'), 60_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}\nlast log lines: ${JSON.stringify(started.logs.slice(-5))}`);
      });
  }, options.setupTimeoutMs ?? 90_000);

  afterAll(async () => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      await app.waitForExit(15_000);
    }
    await database?.connection.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  return {
    app: () => ready(app, 'app'),
    database: () => ready(database, 'database'),
    base: () => `http://127.0.0.1:${ready(app, 'app').port}`,
  };
}

/** A value a `beforeAll` hook sets, read inside a test. */
export function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the ${what} is started in beforeAll`);
  return value;
}
