import fs from 'node:fs';
import type { EmbeddedEngine } from '../../services/database/engine';
import { isAlive } from '../../services/database/ferretdb';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __ownerbotTestEngine?: { engine: EmbeddedEngine; dataDir: string } };
  const started = holder.__ownerbotTestEngine;
  if (!started) return;
  // The test data is thrown away, so there is nothing to flush: kill rather than wait.
  const pid = started.engine.pid;
  started.engine.killNow();
  for (let waited = 0; pid && waited < 3000 && isAlive(pid); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fs.rmSync(started.dataDir, { recursive: true, force: true });
}
