import { Types, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { DomainError } from '../errors';
import type { AuditLog } from './audit-log';
import { eraseTicketTexts } from './erase';
import { deleteConversationPhotos } from '../attachments/attachment-purge';

/** What `forget` changed; zeros everywhere when there was nothing (left) to erase. */
export interface ForgetReport {
  target: string;
  /** `owner` (an owner id), `identity` (a channel user key), or `none` when nothing matched. */
  found: 'owner' | 'identity' | 'none';
  ownerAnonymised: boolean;
  identitiesUnlinked: number;
  messagesErased: number;
  casesErased: number;
  caseMessagesErased: number;
  caseEventsErased: number;
  outboxTextsErased: number;
  webTranscriptsDeleted: number;
  webPhotosDeleted: number;
  conversationStatesDeleted: number;
  correctionsDeleted: number;
  surveyCommentsErased: number;
}

const FORGOTTEN_NAME = '(forgotten)';
const IDENTITY_KEY = /^(telegram|wechat|slack|web):[^\s]{1,200}$/;

/**
 * Erases one owner's personal data and words, keeping anonymous statistics: the owner
 * record is anonymised (name, phone, unit; building and language stay for reports), their
 * channel identities unlinked, every message text (inbound, case, event log, sent outbox,
 * web transcript, survey comment) erased and their web chat photos deleted, while cases keep
 * kind, category, quarter and status, so counts by quarter and category do not change.
 * `target` is an owner id or a channel user key (`telegram:123`, for someone never bound to
 * an owner). Idempotent: a second run finds nothing left and says so; after a crash, running
 * it again finishes.
 */
export async function forgetOwner(deps: {
  connection: Connection;
  clock: Clock;
  target: string;
  audit?: AuditLog;
  actor?: string;
}): Promise<ForgetReport> {
  const { connection, target } = deps;
  const c = (name: string) => connection.collection(name);
  const report: ForgetReport = {
    target,
    found: 'none',
    ownerAnonymised: false,
    identitiesUnlinked: 0,
    messagesErased: 0,
    casesErased: 0,
    caseMessagesErased: 0,
    caseEventsErased: 0,
    outboxTextsErased: 0,
    webTranscriptsDeleted: 0,
    webPhotosDeleted: 0,
    conversationStatesDeleted: 0,
    correctionsDeleted: 0,
    surveyCommentsErased: 0,
  };

  let ownerId: Types.ObjectId | undefined;
  let identityFilter: Record<string, unknown>;
  if (/^[0-9a-f]{24}$/i.test(target)) {
    ownerId = new Types.ObjectId(target);
    const owner = await c('owners').findOne({ _id: ownerId }, { projection: { _id: 1 } });
    if (owner) report.found = 'owner';
    identityFilter = { ownerId: target };
  } else if (IDENTITY_KEY.test(target)) {
    identityFilter = { key: target };
  } else {
    throw new DomainError(
      'invalid_target',
      `"${target.slice(0, 60)}" is neither an owner id (24 hex digits) nor a channel user key (telegram:123)`,
    );
  }
  const identities = await c('identities')
    .find(identityFilter, { projection: { _id: 1, key: 1, channel: 1, platformUserId: 1, address: 1 } })
    .toArray();
  if (report.found === 'none' && identities.length > 0) report.found = 'identity';
  // A previous run may have unlinked the identities already: the cases still name them.
  const keys = identities.map((identity) => String(identity.key));
  const caseFilter = ownerId
    ? { $or: [{ ownerId: target }, ...(keys.length ? [{ identityKey: { $in: keys } }] : [])] }
    : { identityKey: { $in: keys } };
  const cases =
    keys.length || ownerId
      ? await c('tickets')
          .find(caseFilter, { projection: { _id: 1 } })
          .toArray()
      : [];
  if (report.found === 'none' && cases.length > 0) report.found = ownerId ? 'owner' : 'identity';

  const senders = identities.map((identity) => ({
    channel: String(identity.channel),
    senderId: String(identity.platformUserId),
  }));
  const addresses = identities.map((identity) => ({
    'address.channel': String((identity.address as { channel: string }).channel),
    'address.conversationId': String((identity.address as { conversationId: string }).conversationId),
  }));

  if (senders.length > 0) {
    const messages = await c('messages').updateMany(
      {
        $or: senders,
        $and: [{ $or: [{ text: { $ne: '' } }, { senderName: { $ne: '' } }, { clientAddress: { $gt: '' } }] }],
      },
      { $set: { text: '', senderName: '', attachments: [], clientAddress: '' } },
    );
    report.messagesErased = messages.modifiedCount;
    const outbox = await c('outbox').updateMany(
      { $or: addresses, status: { $in: ['sent', 'dead'] }, 'message.text': { $ne: '' } },
      { $set: { 'message.text': '', 'message.buttons': [] } },
    );
    report.outboxTextsErased += outbox.modifiedCount;
    const webSessions = identities
      .filter((identity) => identity.channel === 'web')
      .map((identity) => String(identity.platformUserId));
    if (webSessions.length > 0) {
      const transcripts = await c('web_transcripts').deleteMany({ sessionId: { $in: webSessions } });
      report.webTranscriptsDeleted = transcripts.deletedCount;
      report.webPhotosDeleted = await deleteConversationPhotos(connection, 'web', webSessions);
    }
    // Messages a WeChat template stood in for, still waiting for the owner's answer.
    const wechatContacts = identities
      .filter((identity) => identity.channel === 'wechat')
      .map((identity) => String(identity.platformUserId));
    if (wechatContacts.length > 0)
      await c('wechat_held_messages').deleteMany({ contactId: { $in: wechatContacts } });
    const states = await c('conversation_states').deleteMany({ key: { $in: keys } });
    report.conversationStatesDeleted = states.deletedCount;
  }

  const caseIds = cases.map((ticket) => ticket._id);
  const erased = await eraseTicketTexts(connection, caseIds);
  report.casesErased = erased.tickets;
  report.caseMessagesErased = erased.messages;
  report.caseEventsErased = erased.events;
  // Cases stay (kind, category, quarter, status) but no longer point at the person.
  if (caseIds.length > 0) {
    await c('tickets').updateMany(
      { _id: { $in: caseIds }, $or: [{ ownerId: { $ne: '' } }, { unit: { $ne: '' } }] },
      { $set: { ownerId: '', unit: '' } },
    );
    // Escalations and staff notices about these cases quote the owner; pending ones still go out.
    const notices = await c('outbox').updateMany(
      {
        caseId: { $in: caseIds.map(String) },
        status: { $in: ['sent', 'dead'] },
        'message.text': { $ne: '' },
      },
      { $set: { 'message.text': '', 'message.buttons': [] } },
    );
    report.outboxTextsErased += notices.modifiedCount;
    const corrections = await c('corrections').deleteMany({ caseId: { $in: caseIds.map(String) } });
    report.correctionsDeleted = corrections.deletedCount;
  }

  if (ownerId) {
    const comments = await c('survey_answers').updateMany(
      { ownerId: target, text: { $ne: '' } },
      { $set: { text: '' } },
    );
    report.surveyCommentsErased = comments.modifiedCount;
  }

  // Unlinked last, so a run cut short still finds the identities through the owner next time.
  if (identities.length > 0) {
    const unlinked = await c('identities').updateMany(
      {
        _id: { $in: identities.map((identity) => identity._id) },
        $or: [{ ownerId: { $ne: '' } }, { displayName: { $ne: '' } }, { verified: true }],
      },
      {
        $set: {
          ownerId: '',
          verified: false,
          displayName: '',
          binding: { step: 'none', building: '', unit: '', attempts: 0, lockedUntil: new Date(0) },
          updatedAt: deps.clock.now(),
        },
      },
    );
    report.identitiesUnlinked = unlinked.modifiedCount;
  }
  if (ownerId) {
    const anonymised = await c('owners').updateOne(
      { _id: ownerId, name: { $ne: FORGOTTEN_NAME } },
      {
        $set: {
          name: FORGOTTEN_NAME,
          phone: '',
          phoneLast4: '',
          householdKey: `forgotten:${target}`,
          unit: '',
          entrance: '',
          room: '',
          verified: false,
          updatedAt: deps.clock.now(),
        },
      },
    );
    report.ownerAnonymised = anonymised.modifiedCount > 0;
  }

  const { target: _target, found, ...counts } = report;
  await deps.audit?.record({
    actor: deps.actor ?? 'cli',
    action: 'owners.forget',
    target,
    outcome: found === 'none' ? 'not_found' : 'ok',
    details: counts as unknown as Record<string, unknown>,
  });
  return report;
}

/** The report as the operator reads it: one line per kind of data, and what stayed. */
export function describeForgetReport(report: ForgetReport): string {
  if (report.found === 'none')
    return `No owner or channel user "${report.target}" is on file; nothing was erased.\n`;
  const changed =
    report.ownerAnonymised ||
    Object.entries(report).some(([key, value]) => typeof value === 'number' && value > 0 && key !== 'target');
  const lines = [
    changed
      ? `Forgot ${report.found === 'owner' ? 'owner' : 'channel user'} ${report.target}:`
      : `${report.found === 'owner' ? 'Owner' : 'Channel user'} ${report.target} was already forgotten; nothing left to erase.`,
  ];
  if (changed) {
    lines.push(
      `  owner record anonymised:        ${report.ownerAnonymised ? 'yes' : 'no (already)'}`,
      `  channel identities unlinked:    ${report.identitiesUnlinked}`,
      `  inbound message texts erased:   ${report.messagesErased}`,
      `  case message texts erased:      ${report.caseMessagesErased} (in ${report.casesErased} cases, ${report.caseEventsErased} case events)`,
      `  sent message texts erased:      ${report.outboxTextsErased}`,
      `  web chat transcripts deleted:   ${report.webTranscriptsDeleted}`,
      `  web chat photos deleted:        ${report.webPhotosDeleted}`,
      `  conversation states deleted:    ${report.conversationStatesDeleted}`,
      `  staff corrections deleted:      ${report.correctionsDeleted}`,
      `  survey comments erased:         ${report.surveyCommentsErased}`,
      '  kept: cases with kind, category, quarter and status; survey scores; the building (anonymous statistics)',
    );
  }
  return `${lines.join('\n')}\n`;
}
