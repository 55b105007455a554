import mongoose, { Types, type Model } from 'mongoose';
import { castForInsert } from '../../../services/database/cast-for-insert';
import { messageModel } from '../../../services/messages/message-model';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { newCase } from '../../../services/tickets/open-case';
import { DEFAULT_SLA_POLICY } from '../../../services/tickets/sla';
import { ticketModels } from '../../../services/tickets/ticket-model';

// Models only: nothing here reaches a database.
const connection = mongoose.createConnection();
const Messages = messageModel(connection);
const { entries: Outbox } = outboxModels(connection);
const { Tickets } = ticketModels(connection);
const at = new Date('2026-11-20T08:00:00Z');

/** What saving a mongoose document of `record` would write: the reference castForInsert must match. */
async function asDocumentWouldStore(model: Model<unknown>, record: object) {
  const document = new model(record);
  await document.validate();
  (document as unknown as { initializeTimestamps?: () => void }).initializeTimestamps?.();
  return document.toObject({ versionKey: false }) as Record<string, unknown>;
}

/** The paths in `value` that hold mongoose's own arrays rather than plain ones. */
function mongooseArraysIn(value: unknown, path = ''): string[] {
  if (Array.isArray(value))
    return [
      ...((value as { isMongooseArray?: boolean }).isMongooseArray ? [path] : []),
      ...value.flatMap((item, i) => mongooseArraysIn(item, `${path}.${i}`)),
    ];
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return [];
  return Object.entries(value).flatMap(([key, item]) =>
    mongooseArraysIn(item, path ? `${path}.${key}` : key),
  );
}

const message = {
  key: 'web:m-1',
  channel: 'web',
  platformMessageId: 'm-1',
  conversationId: 'session-1',
  senderId: 'web:session-1',
  text: 'The kitchen sink is blocked',
  attachments: [{ kind: 'photo', reference: 'p-1' }],
  receivedAt: at,
  holder: 'instance-a',
  leaseUntil: at,
  attempts: 1,
};
const outboxEntry = {
  _id: new Types.ObjectId(),
  key: 'reply:web:m-1',
  address: { channel: 'web', conversationId: 'session-1', threadId: '' },
  message: { text: 'Got it', language: 'en', buttons: [{ label: 'Menu', action: 'menu' }] },
  purpose: 'reply',
  priority: 5,
  status: 'pending',
  notBefore: at,
  nextAttemptAt: at,
  createdAt: at,
};
const ticket = {
  ...newCase(
    {
      kind: 'work_order',
      intent: 'help_seeking',
      category: 'equipment',
      origin: 'web:m-1',
      identityKey: 'web:session-1',
      verified: false,
      address: { channel: 'web', conversationId: 'session-1' },
      language: 'en',
      text: 'The kitchen sink is blocked',
      attachments: [{ kind: 'photo', reference: 'p-1' }],
    },
    at,
    { policy: DEFAULT_SLA_POLICY },
  ),
  reference: 'WO-2611-0001',
};

describe('castForInsert', () => {
  it.each([
    ['a message (timestamps, defaults, an array of subdocuments)', Messages, message],
    ['an outbox entry (nested objects, null defaults)', Outbox, outboxEntry],
    ['a case (arrays of subdocuments, explicit nulls, nested defaults)', Tickets, ticket],
  ])('when given %s, then it stores exactly what a mongoose document would', async (_, model, record) => {
    const cast = await castForInsert(model as unknown as Model<unknown>, record);
    const reference = await asDocumentWouldStore(model as unknown as Model<unknown>, record);
    // Generated values differ by nature: the ids made for it, the time it was stamped.
    for (const generated of ['_id', 'createdAt', 'updatedAt'])
      if (!(generated in record) && generated in reference) {
        expect(cast[generated]).toBeDefined();
        delete cast[generated];
        delete reference[generated];
      }
    // Field order aside (nothing matches whole embedded documents), the same document.
    expect(cast).toStrictEqual(reference);
    // Plain data throughout: mongoose's arrays would cast what callers push onto them.
    expect(mongooseArraysIn(cast)).toEqual([]);
  });

  it('when a required field is missing or a value cannot be cast, then it throws the validation error a document would', async () => {
    const { key: _key, ...withoutKey } = message;
    await expect(castForInsert(Messages, withoutKey)).rejects.toThrow(/key.*required/);
    await expect(castForInsert(Messages, { ...message, attempts: 'many' })).rejects.toThrow(/attempts/);
    await expect(castForInsert(Messages, { ...message, status: 'lost' })).rejects.toThrow(/status/);
  });

  it.each([
    ['a required field missing', { from: undefined }],
    ['a value that cannot be cast', { at: 'not a date' }],
    ['a bad value in an array inside it', { attachments: [{ kind: 'photo', reference: { not: 'text' } }] }],
  ])(
    'when an item of an array of subdocuments has %s, then the error names the path a document names',
    async (_, change) => {
      const record = { ...ticket, messages: [{ ...ticket.messages[0]!, ...change }] };
      const failedPaths = (error: unknown) =>
        Object.keys((error as mongoose.Error.ValidationError).errors).sort();
      const documentError = await asDocumentWouldStore(Tickets as unknown as Model<unknown>, record).catch(
        (error: unknown) => error,
      );
      const castError = await castForInsert(Tickets, record).catch((error: unknown) => error);
      expect(castError).toBeInstanceOf(mongoose.Error.ValidationError);
      expect(failedPaths(castError)).toEqual(failedPaths(documentError));
      expect(failedPaths(castError)[0]).toMatch(/^messages\.0\./);
    },
  );

  it('when a record carries fields the schema lacks, null or not, then they are left out as a document leaves them out', async () => {
    const record = {
      ...outboxEntry,
      notInSchema: null,
      alsoNot: 'x',
      address: { ...outboxEntry.address, nor: null },
    };
    const cast = await castForInsert(Outbox, record);
    expect(cast).toStrictEqual(await asDocumentWouldStore(Outbox as unknown as Model<unknown>, record));
    expect(cast).not.toHaveProperty('notInSchema');
    expect(cast.address).not.toHaveProperty('nor');
  });

  it('when given a record, then the record itself is left as it was', async () => {
    const record = { ...outboxEntry, address: { ...outboxEntry.address } };
    const before = JSON.stringify(record);
    await castForInsert(Outbox, record);
    expect(JSON.stringify(record)).toBe(before);
  });
});
