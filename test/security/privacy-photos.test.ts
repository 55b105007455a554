import { createAttachmentStore, uploadReference } from '../../services/attachments/attachment-store';
import { runOwnersForget } from '../../services/privacy/forget-command';
import { createRetentionPurge } from '../../services/privacy/retention';
import { createCoreHarness } from '../support/core-harness';
import { useTestDatabase } from '../support/database';
import { captureOutput } from '../support/output';
import { makePng } from '../support/photos';

const database = useTestDatabase();

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

describe('web chat photos and the privacy duties', () => {
  const photos = () => database().connection.collection('attachments');
  const chunks = () => database().connection.collection('attachment_chunks');

  it("when a web chat user is forgotten, then their photos are deleted with their bytes, and others' stay", async () => {
    const core = createCoreHarness(database().connection);
    const store = createAttachmentStore({ connection: database().connection, clock: core.clock });
    await core.send('Water is dripping from the ceiling of 9-901', { from: 'gina-session', channel: 'web' });
    const gina = await store.save(once(makePng()), { channel: 'web', conversationId: 'gina-session' });
    const hank = await store.save(once(makePng()), { channel: 'web', conversationId: 'hank-session' });

    const out = captureOutput();
    expect(
      await runOwnersForget({ target: 'web:gina-session', connection: database().connection, out: out.out }),
    ).toBe(0);
    expect(out.text()).toMatch(/web chat photos deleted: +1/);
    expect(await photos().countDocuments({ _id: gina._id as never })).toBe(0);
    expect(await chunks().countDocuments({ attachmentId: gina._id })).toBe(0);
    expect(await store.find(hank._id)).toBeDefined();
  });

  it('when photos are older than the retention, then they are deleted unless a case still being worked shows them', async () => {
    const core = createCoreHarness(database().connection);
    const store = createAttachmentStore({ connection: database().connection, clock: core.clock });
    await core.send('The drain in the basement car park is blocked, please repair it', { from: 'ivan' });
    const [open] = await core.tickets.listOpen('telegram:ivan');
    const web = { channel: 'web', conversationId: 'ivan-session' };
    const unused = await store.save(once(makePng()), web);
    const onCase = await store.save(once(makePng()), web);
    await core.tickets.addOwnerMessage(String(open?._id), {
      text: '',
      messageKey: 'web:ivan-photo',
      at: core.clock.now(),
      attachments: [{ kind: 'photo', reference: uploadReference(onCase._id) }],
    });
    core.clock.advance(31 * 24 * 60 * 60_000);
    const recent = await store.save(once(makePng()), web);

    const purge = createRetentionPurge({
      connection: database().connection,
      clock: core.clock,
      retentionDays: 30,
    });
    // (The first test's photos in this database are older than the retention too.)
    expect((await purge.purge()).webPhotosDeleted).toBeGreaterThanOrEqual(1);
    expect(await store.find(unused._id)).toBeUndefined();
    expect(await chunks().countDocuments({ attachmentId: unused._id })).toBe(0);
    expect(await store.find(onCase._id)).toBeDefined();
    expect(await store.find(recent._id)).toBeDefined();
  });
});
