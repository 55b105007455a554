import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from '../../../services/outbox/outbox';
import { modelOn } from '../../../services/database/model';

/** The random, public half of a session id: what the server stores and logs. 16 bytes. */
const REFERENCE_LENGTH = 22;
/** The signature half: the session's only secret. 16 bytes of HMAC-SHA256. */
const SIGNATURE_LENGTH = 22;

interface SecretRecord {
  _id: string;
  key: string;
  createdAt: Date;
}

const secretSchema = new Schema<SecretRecord>(
  { _id: { type: String, required: true }, key: { type: String, required: true }, createdAt: Date },
  { versionKey: false },
);

/**
 * Web chat session ids, issued and verified without a database read: `<reference><signature>`,
 * the signature an HMAC of the reference with a key every instance shares (made once, kept in
 * the database). Inside ownerbot a session is known by its reference alone (conversation id,
 * transcripts, logs, outbox keys), so nothing stored or logged lets anyone act as the owner.
 */
export async function createSessionIds(connection: Connection) {
  const key = Buffer.from(await sharedKey(connection), 'base64');
  const sign = (reference: string) =>
    createHmac('sha256', key).update(reference).digest().subarray(0, 16).toString('base64url');
  return {
    /** A new session: the id the page keeps, and its reference. */
    issue(): { sessionId: string; reference: string } {
      const reference = randomBytes(16).toString('base64url');
      return { sessionId: `${reference}${sign(reference)}`, reference };
    },
    /** The session's reference when `sessionId` was issued here, else undefined. */
    verify(sessionId: unknown): string | undefined {
      if (typeof sessionId !== 'string' || sessionId.length !== REFERENCE_LENGTH + SIGNATURE_LENGTH)
        return undefined;
      const reference = sessionId.slice(0, REFERENCE_LENGTH);
      const given = Buffer.from(sessionId.slice(REFERENCE_LENGTH));
      const expected = Buffer.from(sign(reference));
      return given.length === expected.length && timingSafeEqual(given, expected) ? reference : undefined;
    },
  };
}

export type SessionIds = Awaited<ReturnType<typeof createSessionIds>>;

/** The key every instance signs with: the first instance to start makes it. */
async function sharedKey(connection: Connection): Promise<string> {
  const Secrets = modelOn<SecretRecord>(connection, 'AppSecret', secretSchema, 'app_secrets');
  const existing = await Secrets.findById('web_chat_sessions').lean();
  if (existing) return existing.key;
  try {
    await Secrets.create({
      _id: 'web_chat_sessions',
      key: randomBytes(32).toString('base64'),
      createdAt: new Date(),
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error; // another instance made it first
  }
  const made = await Secrets.findById('web_chat_sessions').lean();
  if (!made) throw new Error('the web chat session key could not be stored');
  return made.key;
}
