import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { deleteConversationPhotos } from '../attachments/attachment-purge';
import { eraseTicketTexts } from './erase';
import type { ForgetReport } from './forget-report';
import type { ForgetTarget } from './forget-target';

/** The name an anonymised owner record keeps, so reports can still count it. */
const FORGOTTEN_NAME = '(forgotten)';

type Counts = Partial<Omit<ForgetReport, 'target' | 'found'>>;

/**
 * Erases the texts of delivered or dead outbox entries matching `filter`; pending ones
 * still go out. Returns how many were erased.
 */
async function eraseSentOutbox(connection: Connection, filter: Record<string, unknown>): Promise<number> {
  const result = await connection
    .collection('outbox')
    .updateMany(
      { ...filter, status: { $in: ['sent', 'dead'] }, 'message.text': { $ne: '' } },
      { $set: { 'message.text': '', 'message.buttons': [] } },
    );
  return result.modifiedCount;
}

/**
 * What the person left through their channel identities: inbound messages, replies sent to
 * them, web transcripts and photos, WeChat messages held for them and conversation states.
 */
export async function eraseChannelTraces(connection: Connection, person: ForgetTarget): Promise<Counts> {
  const c = (name: string) => connection.collection(name);
  const { identities, keys } = person;
  if (identities.length === 0) return {};
  const senders = identities.map((identity) => ({
    channel: identity.channel,
    senderId: identity.platformUserId,
  }));
  const messages = await c('messages').updateMany(
    {
      $or: senders,
      $and: [{ $or: [{ text: { $ne: '' } }, { senderName: { $ne: '' } }, { clientAddress: { $gt: '' } }] }],
    },
    { $set: { text: '', senderName: '', attachments: [], clientAddress: '' } },
  );
  const counts: Counts = {
    messagesErased: messages.modifiedCount,
    outboxTextsErased: await eraseSentOutbox(connection, {
      $or: identities.map(({ address }) => ({
        'address.channel': address.channel,
        'address.conversationId': address.conversationId,
      })),
    }),
  };
  const on = (channel: string) =>
    identities.filter((identity) => identity.channel === channel).map((identity) => identity.platformUserId);
  const webSessions = on('web');
  if (webSessions.length > 0) {
    counts.webTranscriptsDeleted = (
      await c('web_transcripts').deleteMany({ sessionId: { $in: webSessions } })
    ).deletedCount;
    counts.webPhotosDeleted = await deleteConversationPhotos(connection, 'web', webSessions);
  }
  // Messages a WeChat template stood in for, still waiting for the owner's answer.
  const wechatContacts = on('wechat');
  if (wechatContacts.length > 0)
    await c('wechat_held_messages').deleteMany({ contactId: { $in: wechatContacts } });
  counts.conversationStatesDeleted = (
    await c('conversation_states').deleteMany({ key: { $in: keys } })
  ).deletedCount;
  return counts;
}

/**
 * The person's words in their cases, the notices quoting them and the staff corrections
 * made on them. Cases stay (kind, category, quarter, status) but no longer point at the person.
 */
export async function eraseCaseTraces(connection: Connection, caseIds: unknown[]): Promise<Counts> {
  const erased = await eraseTicketTexts(connection, caseIds);
  const counts: Counts = {
    casesErased: erased.tickets,
    caseMessagesErased: erased.messages,
    caseEventsErased: erased.events,
  };
  if (caseIds.length === 0) return counts;
  await connection
    .collection('tickets')
    .updateMany(
      { _id: { $in: caseIds as never[] }, $or: [{ ownerId: { $ne: '' } }, { unit: { $ne: '' } }] },
      { $set: { ownerId: '', unit: '' } },
    );
  // Escalations and staff notices about these cases quote the owner.
  counts.outboxTextsErased = await eraseSentOutbox(connection, { caseId: { $in: caseIds.map(String) } });
  const corrections = await connection
    .collection('corrections')
    .deleteMany({ caseId: { $in: caseIds.map(String) } });
  counts.correctionsDeleted = corrections.deletedCount;
  return counts;
}

/** The owner's survey comments; the scores stay. */
export async function eraseSurveyComments(connection: Connection, ownerId: string): Promise<Counts> {
  const comments = await connection
    .collection('survey_answers')
    .updateMany({ ownerId, text: { $ne: '' } }, { $set: { text: '' } });
  return { surveyCommentsErased: comments.modifiedCount };
}

/** Unlinks the identities from the owner and resets their binding; a second run changes nothing. */
export async function unlinkIdentities(
  connection: Connection,
  clock: Clock,
  identities: ForgetTarget['identities'],
): Promise<Counts> {
  if (identities.length === 0) return {};
  const unlinked = await connection.collection('identities').updateMany(
    {
      _id: { $in: identities.map((identity) => identity._id as never) },
      $or: [{ ownerId: { $ne: '' } }, { displayName: { $ne: '' } }, { verified: true }],
    },
    {
      $set: {
        ownerId: '',
        verified: false,
        displayName: '',
        binding: { step: 'none', building: '', unit: '', attempts: 0, lockedUntil: new Date(0) },
        updatedAt: clock.now(),
      },
    },
  );
  return { identitiesUnlinked: unlinked.modifiedCount };
}

/** Anonymises the owner record: name, phone and unit go; building and language stay for reports. */
export async function anonymiseOwner(
  connection: Connection,
  clock: Clock,
  person: Pick<ForgetTarget, 'ownerId' | 'target'>,
): Promise<Counts> {
  const anonymised = await connection.collection('owners').updateOne(
    { _id: person.ownerId, name: { $ne: FORGOTTEN_NAME } },
    {
      $set: {
        name: FORGOTTEN_NAME,
        phone: '',
        phoneLast4: '',
        householdKey: `forgotten:${person.target}`,
        unit: '',
        entrance: '',
        room: '',
        verified: false,
        updatedAt: clock.now(),
      },
    },
  );
  return { ownerAnonymised: anonymised.modifiedCount > 0 };
}
