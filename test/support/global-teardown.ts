import fs from 'node:fs';
import type { EmbeddedEngine } from '../../services/database/engine';
import { isAlive } from '../../services/database/supervised-process';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __ownerbotTestEngine?: { engine: EmbeddedEngine; dataDir: string } };
  const started = holder.__ownerbotTestEngine;
  if (!started) return;
  // The test data is thrown away, so there is nothing to flush: kill rather than wait.
  const pids = [started.engine.pid, started.engine.postgresPid];
  started.engine.killNow();
  for (let waited = 0; waited < 5000 && pids.some((pid) => pid && isAlive(pid)); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fs.rmSync(started.dataDir, { recursive: true, force: true });
}
