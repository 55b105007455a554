import { createFakeClock } from '../../../services/clock';
import { createAuditLog } from '../../../services/privacy/audit-log';
import { createOwnerService } from '../../../services/owners/owner-service';
import { runOwnersLocks, runOwnersUnlock } from '../../../services/owners/unlock-command';
import { useTestDatabase } from '../../support/database';
import { captureOutput } from '../../support/output';

const database = useTestDatabase();

describe('npx ownerbot owners unlock / owners locks', () => {
  it('when an operator lists and unlocks a locked unit, then it is listed, then no longer, and the audit names the CLI', async () => {
    const { connection } = database();
    const clock = createFakeClock();
    const owners = createOwnerService({ connection, clock });
    await owners.importCsv('name,building,unit,phone,language\n孙丽,6,1101,13700006543,zh\n');
    for (let i = 0; i < 6; i++) {
      // An hour apart: each try comes after the wait the previous failure set.
      if (i > 0) clock.advance(60 * 60_000);
      const identity = await owners.identify({
        channel: 'telegram',
        platformUserId: `cli-${i}`,
        address: { channel: 'telegram', conversationId: `cli-${i}` },
      });
      await owners.submitUnit(identity.id, '6-1101');
      await owners.submitPhoneDigits(identity.id, `000${i}`);
    }
    const listed = captureOutput();
    expect(await runOwnersLocks({ connection, out: listed.out, clock })).toBe(0);
    expect(listed.text()).toMatch(/^unit:6\/1101 {2}locked until \S+ {2}\(6 failures\)$/m);

    const unlocked = captureOutput();
    const code = await runOwnersUnlock({ connection, out: unlocked.out, flags: { unit: '6-1101' }, clock });

    expect(code).toBe(0);
    expect(unlocked.text()).toBe('unit:6/1101: lifted (unit)\n');
    const after = captureOutput();
    await runOwnersLocks({ connection, out: after.out, clock });
    expect(after.text()).toBe('No unit or address is paused.\n');
    const [entry] = await createAuditLog({ connection, clock }).recent({ action: 'owners.unlock' });
    expect(entry).toMatchObject({
      actor: 'cli',
      target: 'unit:6/1101',
      outcome: 'ok',
      details: { lifted: ['unit'] },
    });
  });

  it('when the target is missing, doubled or unknown, then it exits 64 or 66 and says why', async () => {
    const { connection } = database();
    const run = async (flags: Record<string, string | true>) => {
      const { out, text } = captureOutput();
      return { code: await runOwnersUnlock({ connection, out, flags }), text: text() };
    };

    expect(await run({})).toEqual({
      code: 64,
      text: 'usage: ownerbot owners unlock (--identity KEY | --unit BUILDING-ROOM)\n',
    });
    expect((await run({ identity: 'web:a', unit: '6-1101' })).code).toBe(64);
    expect((await run({ identity: true })).code).toBe(64);
    expect(await run({ unit: 'the lobby' })).toMatchObject({
      code: 64,
      text: expect.stringContaining('Not a unit'),
    });
    expect(await run({ identity: 'telegram:nobody' })).toEqual({
      code: 66,
      text: 'owners unlock: no channel user telegram:nobody\n',
    });
  });
});
