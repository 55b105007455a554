import {
  CHUNK_BYTES,
  createAttachmentStore,
  uploadIdOf,
  uploadReference,
} from '../../../services/attachments/attachment-store';
import { createFakeClock } from '../../../services/clock';
import { DomainError } from '../../../services/errors';
import { useTestDatabase } from '../../support/database';
import { makePng } from '../../support/photos';

const database = useTestDatabase();
const web = { channel: 'web', conversationId: 'ref-of-a-session-00001' };

/** The bytes as a phone's upload arrives: in pieces. */
async function* inPieces(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function readAll(iterable: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of iterable) parts.push(part);
  return Buffer.concat(parts);
}

describe('attachment store', () => {
  const store = () => createAttachmentStore({ connection: database().connection, clock: createFakeClock() });
  const count = (collection: string) => database().connection.collection(collection).countDocuments();

  it('when a photo larger than a chunk is saved, then it is stored in chunks and read back byte for byte', async () => {
    const photo = makePng({ padding: 2 * CHUNK_BYTES + 1234 });
    const saved = await store().save(inPieces(photo), web);
    expect(saved).toMatchObject({ contentType: 'image/png', size: photo.length });
    const found = await store().find(saved._id);
    expect(found).toMatchObject({ ...web, status: 'stored', chunks: 3, size: photo.length });
    expect((await readAll(store().read(saved._id))).equals(photo)).toBe(true);
  });

  it('when the bytes are not a photo, then nothing is stored and the refusal is not_a_photo', async () => {
    const before = [await count('attachments'), await count('attachment_chunks')];
    const refused = store().save(inPieces(Buffer.from('<svg onload="alert(1)"></svg>'.repeat(100))), web);
    await expect(refused).rejects.toMatchObject({ code: 'not_a_photo' });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    expect([await count('attachments'), await count('attachment_chunks')]).toEqual(before);
  });

  it('when a photo passes the size limit while streaming, then what was written is removed', async () => {
    const before = [await count('attachments'), await count('attachment_chunks')];
    const big = makePng({ padding: 3 * CHUNK_BYTES });
    await expect(store().save(inPieces(big), web, 2 * CHUNK_BYTES)).rejects.toMatchObject({
      code: 'photo_too_large',
    });
    expect([await count('attachments'), await count('attachment_chunks')]).toEqual(before);
  });

  it('when an id is unknown or malformed, then find says undefined', async () => {
    expect(await store().find('AAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await store().find('../../etc/passwd')).toBeUndefined();
  });

  it('when a reference is an upload, then its id comes back; other references give undefined', () => {
    expect(uploadIdOf(uploadReference('abcdefghijklmnop'))).toBe('abcdefghijklmnop');
    expect(uploadIdOf('AgACAgIAAxkBAAIB')).toBeUndefined();
    expect(uploadIdOf('upload:../x')).toBeUndefined();
  });
});
