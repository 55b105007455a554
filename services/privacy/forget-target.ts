import { Types, type Connection } from 'mongoose';
import { DomainError } from '../errors';
import type { ForgetReport } from './forget-report';

const IDENTITY_KEY = /^(telegram|wechat|slack|web):[^\s]{1,200}$/;

/** The channel identity fields the forget steps read. */
export interface ForgetIdentity {
  _id: unknown;
  key: string;
  channel: string;
  platformUserId: string;
  address: { channel: string; conversationId: string };
}

/** Who is being forgotten and everything on file that points at them. */
export interface ForgetTarget {
  target: string;
  /** Set when the target is an owner id (whether or not the owner is still on file). */
  ownerId: Types.ObjectId | undefined;
  identities: ForgetIdentity[];
  /** The identities' keys: cases, states and held messages name the person by these. */
  keys: string[];
  caseIds: unknown[];
  found: ForgetReport['found'];
}

/**
 * How to find the target's identities: an owner id (24 hex digits) by owner, a channel user
 * key (`telegram:123`) by key. Throws `DomainError('invalid_target')` for anything else.
 */
export function parseForgetTarget(target: string): {
  ownerId: Types.ObjectId | undefined;
  identityFilter: Record<string, unknown>;
} {
  if (/^[0-9a-f]{24}$/i.test(target))
    return { ownerId: new Types.ObjectId(target), identityFilter: { ownerId: target } };
  if (IDENTITY_KEY.test(target)) return { ownerId: undefined, identityFilter: { key: target } };
  throw new DomainError(
    'invalid_target',
    `"${target.slice(0, 60)}" is neither an owner id (24 hex digits) nor a channel user key (telegram:123)`,
  );
}

/**
 * Looks up the owner, their identities and their cases. A previous run may have unlinked
 * the identities already, so cases are also found by the owner id they still carry.
 */
export async function findForgetTarget(connection: Connection, target: string): Promise<ForgetTarget> {
  const c = (name: string) => connection.collection(name);
  const { ownerId, identityFilter } = parseForgetTarget(target);
  let found: ForgetReport['found'] = 'none';
  if (ownerId && (await c('owners').findOne({ _id: ownerId }, { projection: { _id: 1 } }))) found = 'owner';
  const stored = await c('identities')
    .find(identityFilter, { projection: { _id: 1, key: 1, channel: 1, platformUserId: 1, address: 1 } })
    .toArray();
  const identities: ForgetIdentity[] = stored.map((identity) => ({
    _id: identity._id,
    key: String(identity.key),
    channel: String(identity.channel),
    platformUserId: String(identity.platformUserId),
    address: {
      channel: String((identity.address as { channel: string }).channel),
      conversationId: String((identity.address as { conversationId: string }).conversationId),
    },
  }));
  if (found === 'none' && identities.length > 0) found = 'identity';
  const keys = identities.map((identity) => identity.key);
  const caseFilter = ownerId
    ? { $or: [{ ownerId: target }, ...(keys.length ? [{ identityKey: { $in: keys } }] : [])] }
    : { identityKey: { $in: keys } };
  const cases =
    keys.length || ownerId
      ? await c('tickets')
          .find(caseFilter, { projection: { _id: 1 } })
          .toArray()
      : [];
  if (found === 'none' && cases.length > 0) found = ownerId ? 'owner' : 'identity';
  return { target, ownerId, identities, keys, caseIds: cases.map((ticket) => ticket._id), found };
}
