import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { isAlive } from '../../services/database/supervised-process';
import { spawnApp, type AppProcess } from '../support/app-process';

async function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function waitForHealth(port: number, status: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: Record<string, unknown> } | undefined;
  while (Date.now() < deadline) {
    last = await health(port).catch(() => undefined);
    if (last?.status === status) return last;
    await sleep(200);
  }
  throw new Error(`healthz never answered ${status}; last: ${JSON.stringify(last)}`);
}

function enginePid(dataDir: string, server: 'ferretdb' | 'postgres' = 'ferretdb'): number {
  return Number(fs.readFileSync(path.join(dataDir, `${server}.pid`), 'utf8'));
}

async function startedApp(dataDir: string): Promise<{ app: AppProcess; enginePort: number }> {
  const app = await spawnApp({ DATA_DIR: dataDir });
  const running = await app.waitForLog((line) =>
    String(line.msg).startsWith('Embedded database engine (FerretDB'),
  );
  await app.waitForLog((line) => String(line.msg).includes('is listening'));
  return { app, enginePort: Number(running.port) };
}

describe('process lifecycle (the real entry point)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-lifecycle-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when started with an empty environment, then /healthz is 200 on the embedded engine and data survives a restart', async () => {
    const first = await startedApp(dataDir);
    const ok = await health(first.app.port);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'ok', database: { ok: true, engine: 'ferretdb-postgresql' } });

    const connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${first.enginePort}/ownerbot`)
      .asPromise();
    await connection.collection('restart_probe').insertOne({ note: 'written before restart' });
    await connection.close();

    const pids = [enginePid(dataDir), enginePid(dataDir, 'postgres')];
    first.app.child.kill('SIGTERM');
    expect(await first.app.waitForExit(10_000)).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);

    const second = await startedApp(dataDir);
    const again = await mongoose
      .createConnection(`mongodb://127.0.0.1:${second.enginePort}/ownerbot`)
      .asPromise();
    const found = await again.collection('restart_probe').findOne({});
    await again.close();
    second.app.child.kill('SIGTERM');
    expect(await second.app.waitForExit(10_000)).toBe(0);
    expect(found?.note).toBe('written before restart');
  });

  it('when the engine stops and returns while the app runs, then /healthz goes 503 and back to 200', async () => {
    const { app } = await startedApp(dataDir);
    try {
      const pid = enginePid(dataDir);
      process.kill(pid, 'SIGSTOP');
      const down = await waitForHealth(app.port, 503);
      expect(down.body).toMatchObject({ status: 'unavailable', database: { ok: false } });
      process.kill(pid, 'SIGCONT');
      await waitForHealth(app.port, 200);

      // A crashed engine is restarted by the app itself: FerretDB, then PostgreSQL under it.
      process.kill(pid, 'SIGKILL');
      await app.waitForLog((line) => line.msg === 'FerretDB is back');
      expect((await waitForHealth(app.port, 200)).body).toMatchObject({ database: { ok: true } });
      expect(enginePid(dataDir)).not.toBe(pid);

      const postgresPid = enginePid(dataDir, 'postgres');
      process.kill(postgresPid, 'SIGKILL');
      await app.waitForLog((line) => line.msg === 'PostgreSQL is back');
      const back = await waitForHealth(app.port, 200);
      expect(back.body).toMatchObject({ database: { ok: true } });
      expect(enginePid(dataDir, 'postgres')).not.toBe(postgresPid);
    } finally {
      app.child.kill('SIGTERM');
      await app.waitForExit(10_000);
    }
  });

  it('when PORT is invalid, then the process exits 78 with one line per bad key and no stack trace', async () => {
    const app = await spawnApp({ DATA_DIR: dataDir, PORT: 'abc', BOT_TIMEZONE: 'Nowhere/City' });
    expect(await app.waitForExit()).toBe(78);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toEqual([
      'config error: PORT must be an integer 1-65535, got "abc"',
      'config error: BOT_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "Nowhere/City"',
    ]);
    expect(app.stderr()).not.toMatch(/\n\s+at /);
  });
});
