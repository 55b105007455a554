import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createFakeClock } from '../../../services/clock';
import { createUnderstandingService } from '../../../services/understanding/understanding-service';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-model-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

function service() {
  return createUnderstandingService({
    connection: database().connection,
    clock: createFakeClock(),
    logger,
    cacheDir,
    retrainDebounceMs: 50,
  });
}

describe('understanding service', () => {
  it('when started twice with nothing changed, then the second start reads the cached model', async () => {
    const first = service();
    await first.start();
    expect(first.modelSource).toBe('trained');
    const second = service();
    await second.start();
    expect(second.modelSource).toBe('cache');
    expect(second.modelHash).toBe(first.modelHash);
  }, 60_000);

  it('when staff correct a message, then the next identical message is classified as corrected, before and after retraining', async () => {
    const understanding = service();
    await understanding.start();
    const text = 'The durian smell from the rubbish room again.';
    const before = understanding.understand(text);
    const corrected = before.intent === 'dissatisfaction' ? 'help_seeking' : 'dissatisfaction';
    const hashBefore = understanding.modelHash;

    await understanding.recordCorrection({
      text,
      intent: corrected,
      category: 'neighbours',
      staffId: 'U_STAFF',
    });
    // Same message, other punctuation and case: corrected at once, through the overlay.
    expect(understanding.understand('the durian smell from the rubbish room again!!')).toMatchObject({
      intent: corrected,
      category: 'neighbours',
      confidence: 1,
      fallback: false,
    });

    await understanding.idle();
    expect(understanding.modelHash).not.toBe(hashBefore);
    expect(understanding.understand(text)).toMatchObject({ intent: corrected, category: 'neighbours' });

    // A restarted instance learns the stored correction from the database.
    const restarted = service();
    await restarted.start();
    expect(restarted.modelHash).toBe(understanding.modelHash);
    expect(restarted.understand(text)).toMatchObject({ intent: corrected, category: 'neighbours' });
    await Promise.all([understanding.stop(), restarted.stop()]);
  }, 90_000);

  it('when a correction has no words, then it is refused with a clear error', async () => {
    const understanding = service();
    await understanding.start();
    await expect(
      understanding.recordCorrection({ text: '?!', intent: 'other', category: 'other', staffId: 'U_STAFF' }),
    ).rejects.toThrow('a correction needs a message with words in it');
  }, 60_000);
});
