import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { LANGUAGES, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { createAuditLog } from '../privacy/audit-log';
import { createBindNotice, type BindNoticeSettings } from './bind-notice';
import { createBinding } from './binding';
import { createBindingGuard } from './binding-guard';
import { createBindingLocks } from './binding-locks';
import { DEFAULT_BINDING_POLICY, type BindingPolicy } from './binding-rules';
import { createIdentities, type IdentifyInput } from './identities';
import { toIdentity, toOwner, type Identity, type IdentityRecord, type Owner } from './owner-model';
import { createOwnerQueries } from './owner-queries';
import { createOwnerRecords } from './owner-records';

export { DEFAULT_BINDING_POLICY, type BindingPolicy, type BindingResult } from './binding-rules';
export type { AnswerContext } from './binding';
export type { BindNoticeSettings } from './bind-notice';
export type { GuardLock } from './binding-guard';
export type { LiftReport } from './binding-locks';
export type { IdentifyInput } from './identities';
export type { ImportReport } from './owner-records';

export interface OwnerServiceDeps {
  connection: Connection;
  clock: Clock;
  bindingPolicy?: Partial<BindingPolicy>;
  /** How a household hears of a newly linked chat; without it (operations commands) nobody is told. */
  bindNotice?: BindNoticeSettings;
  logger?: Logger;
}

/**
 * Owners, the channel identities they write from, and the binding dialog that links the
 * two. An identity is created for everyone who writes, known or not; it becomes verified
 * when its user names a unit and the last four digits of the phone on file for it.
 */
export function createOwnerService(deps: OwnerServiceDeps) {
  const identities = createIdentities(deps);
  const records = createOwnerRecords(deps);
  const queries = createOwnerQueries(deps);
  const policy = { ...DEFAULT_BINDING_POLICY, ...deps.bindingPolicy };
  const guard = createBindingGuard({ ...deps, policy });
  const binding = createBinding({
    ...deps,
    identities,
    records,
    guard,
    notifyHousehold: createBindNotice({ ...deps, settings: deps.bindNotice }),
    policy,
  });
  const locks = createBindingLocks({ ...deps, guard, audit: createAuditLog(deps) });

  return {
    /**
     * The identity of whoever sent a message, created on first contact (race-safe; then
     * `firstContact`: nothing is on file for them yet). Refreshes the reply address and
     * `lastInboundAt`, and clears `unreachable`.
     */
    identify: async (input: IdentifyInput) => withFirstContact(await identities.identify(input)),

    /** The identity of a channel user (`<channel>:<platform user id>`), if they ever wrote. */
    async identityByKey(key: string): Promise<Identity | undefined> {
      const record = await identities.findByKey(key);
      return record ? toIdentity(record) : undefined;
    },

    /** An identity by id; undefined when there is none. */
    async getIdentity(identityId: string): Promise<Identity | undefined> {
      const record = await identities.find(identityId);
      return record ? toIdentity(record) : undefined;
    },

    /** The owner an identity is bound to; undefined for unverified identities. */
    async ownerOf(identity: Pick<Identity, 'ownerId' | 'verified'>): Promise<Owner | undefined> {
      if (!identity.verified || !identity.ownerId) return undefined;
      const record = await records.find(identity.ownerId);
      return record ? toOwner(record) : undefined;
    },

    /**
     * The full phone number of an owner, for staff who call back. Never log it, never
     * send it to a channel user; everything else uses `Owner.maskedPhone`.
     */
    phoneOf: async (ownerId: string): Promise<string | undefined> => (await records.find(ownerId))?.phone,

    /** Sets the reply language of an identity, and of its owner when bound. */
    async setLanguage(identityId: string, language: Language): Promise<Identity> {
      if (!LANGUAGES.includes(language))
        throw new AppError('language_invalid', `language must be zh or en, got ${JSON.stringify(language)}`);
      const record = await identities.setLanguage(identityId, language);
      if (record.ownerId) await records.setLanguage(record.ownerId, language);
      return toIdentity(record);
    },

    /** Begins the binding dialog: asks for the unit, unless already verified or locked out. */
    startBinding: binding.start,
    /** Takes the owner's building and unit in any usual spelling; asks for the phone digits next. */
    submitUnit: binding.submitUnit,
    /** Checks the phone digits for the unit given; see `createBinding` for attempts and lock-outs. */
    submitPhoneDigits: binding.submitPhoneDigits,
    /** Leaves the binding dialog (the owner said "cancel"); a lock-out and the attempts used stay. */
    cancelBinding: binding.cancel,
    /** Listing, lifting (staff, audited) and purging binding lock-outs; see `createBindingLocks`. */
    ...locks,

    /** Records that the platform said the user blocked us; false when they never wrote. */
    markUnreachable: identities.markUnreachable,
    /** Verified owners we can reach, each with the identity they wrote from last. */
    listVerifiedReachable: queries.listVerifiedReachable,
    /** Imports the owner file; the same file again updates the same owners. */
    importCsv: records.importCsv,
  };
}

export type OwnerService = ReturnType<typeof createOwnerService>;

function withFirstContact(identified: { record: IdentityRecord; firstContact: boolean }) {
  return { ...toIdentity(identified.record), firstContact: identified.firstContact };
}
