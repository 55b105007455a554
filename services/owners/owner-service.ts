import { Types, type Connection } from 'mongoose';
import { CHANNEL_NAMES, type Address, type ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { AppError } from '../errors';
import { LANGUAGES, type Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { isDuplicateKey } from '../outbox/outbox';
import { normalizePhone, parseUnitAddress, splitUnit } from './household';
import { readOwnerFile, type OwnerRow } from './owner-file';
import {
  ownerModels,
  toIdentity,
  toOwner,
  type Identity,
  type IdentityRecord,
  type Owner,
  type OwnerRecord,
} from './owner-model';

export interface BindingPolicy {
  /** Wrong answers (address or digits) before the lock-out; default 3. */
  maxAttempts: number;
  /** How long a lock-out lasts; default 30 minutes. */
  lockMs: number;
}

export const DEFAULT_BINDING_POLICY: BindingPolicy = { maxAttempts: 3, lockMs: 30 * 60_000 };

/**
 * Where an owner stands in proving they own a unit; `bindingReply` (texts.ts) turns it
 * into what they read. `retry` (the unit exists, the digits are wrong) and `no_such_unit`
 * (no verified household there) are told apart for logs and metrics only: both cost one
 * attempt and get the same words, so the owner never learns which answer was wrong or
 * whether a unit is on file.
 */
export type BindingResult =
  | { outcome: 'ask_unit' }
  | { outcome: 'unit_not_understood' }
  | { outcome: 'ask_phone'; building: string; unit: string }
  | { outcome: 'digits_not_understood' }
  | { outcome: 'retry' | 'no_such_unit'; attemptsLeft: number }
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified' | 'already_verified'; ownerId: string; building: string; unit: string }
  | { outcome: 'cancelled' };

export interface IdentifyInput {
  channel: ChannelName;
  platformUserId: string;
  displayName?: string;
  /** Where replies to this user go (the conversation they wrote from). */
  address: Address;
  /** The language of the first message; only used when the identity is created. */
  languageHint?: Language;
  /** When the message arrived; defaults to now. Feeds WeChat's 48-hour window. */
  at?: Date;
}

export interface ImportReport {
  /** Rows that created an owner. */
  accepted: number;
  /** Rows that matched an owner already on file (same building, unit and phone) and updated it. */
  updated: number;
  /** Rows not imported, by line number of the file (the header is line 1). */
  rejected: Array<{ line: number; reason: string }>;
}

const IMPORT_CONCURRENCY = 8;
/** Identity locations kept per process (a few MB at most); the oldest learnt is dropped first. */
const IDENTITY_CACHE_SIZE = 100_000;
const EPOCH = new Date(0);

/**
 * Owners, the channel identities they write from, and the binding dialog that links the
 * two. An identity is created for everyone who writes, known or not; it becomes verified
 * when its user names a unit and the last four digits of the phone on file for it.
 */
export function createOwnerService(deps: {
  connection: Connection;
  clock: Clock;
  bindingPolicy?: Partial<BindingPolicy>;
  logger?: Logger;
}) {
  const { owners: Owners, identities: Identities } = ownerModels(deps.connection);
  const policy: BindingPolicy = { ...DEFAULT_BINDING_POLICY, ...deps.bindingPolicy };
  const log = deps.logger;

  // Upserts rely on the unique indexes; on a fresh database they are still being built when
  // the first messages arrive, and until they exist concurrent upserts would insert twice.
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Owners.init(), Identities.init()]).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  /**
   * Where each channel user's identity is: `key` -> `_id`, learnt from the documents read.
   * On the embedded engine a filter on `_id` alone is answered by SQLite (about 20 ms among
   * 5,000 documents) while any other filter decodes every document (about 300 ms), so the
   * per-message upsert goes by `_id` once the key is known. The pair never changes while the
   * document exists; an `_id` that finds nothing (deleted meanwhile) is forgotten and the key
   * looked up again, so the map never has to be told about other instances' writes.
   */
  const idByKey = new Map<string, IdentityRecord['_id']>();
  const remember = (record: IdentityRecord) => {
    if (idByKey.size >= IDENTITY_CACHE_SIZE) idByKey.delete(idByKey.keys().next().value as string);
    idByKey.set(record.key, record._id);
  };

  const findIdentity = async (identityId: string): Promise<IdentityRecord | undefined> => {
    if (typeof identityId !== 'string' || !Types.ObjectId.isValid(identityId)) return undefined;
    return (await Identities.findById(identityId).lean<IdentityRecord>()) ?? undefined;
  };
  const loadIdentity = async (identityId: string): Promise<IdentityRecord> => {
    const record = await findIdentity(identityId);
    if (!record) throw new AppError('identity_not_found', `No identity with id ${String(identityId)}`);
    return record;
  };
  const findOwner = async (ownerId: string): Promise<OwnerRecord | undefined> => {
    if (typeof ownerId !== 'string' || !Types.ObjectId.isValid(ownerId)) return undefined;
    return (await Owners.findById(ownerId).lean<OwnerRecord>()) ?? undefined;
  };

  /** The owner a verified identity is bound to, if it still exists. */
  const boundOwner = async (record: IdentityRecord) =>
    record.verified && record.ownerId ? findOwner(record.ownerId) : undefined;

  const activeLock = (record: IdentityRecord, now: Date): Date | undefined =>
    record.binding.step === 'locked' && record.binding.lockedUntil > now
      ? record.binding.lockedUntil
      : undefined;

  /** Before the first step after an expired lock-out: a fresh set of attempts. */
  const afterLock = (record: IdentityRecord) =>
    record.binding.step === 'locked' ? { 'binding.attempts': 0, 'binding.lockedUntil': EPOCH } : {};

  /** The checks every binding verb starts with: already bound, or locked out. */
  const gate = async (record: IdentityRecord, now: Date): Promise<BindingResult | undefined> => {
    const owner = await boundOwner(record);
    if (owner)
      return {
        outcome: 'already_verified',
        ownerId: String(owner._id),
        building: owner.building,
        unit: owner.unit,
      };
    const lockedUntil = activeLock(record, now);
    if (lockedUntil) return { outcome: 'locked', lockedUntil };
    return undefined;
  };

  const askUnit = async (record: IdentityRecord, now: Date): Promise<BindingResult> => {
    await Identities.updateOne(
      { _id: record._id },
      {
        $set: {
          'binding.step': 'awaiting_unit',
          'binding.building': '',
          'binding.unit': '',
          ...afterLock(record),
          updatedAt: now,
        },
      },
    );
    return { outcome: 'ask_unit' };
  };

  /** Counts one wrong answer atomically; the answer that reaches the limit locks the identity. */
  const countFailure = async (
    record: IdentityRecord,
    kind: 'retry' | 'no_such_unit',
    now: Date,
  ): Promise<BindingResult> => {
    const updated = await Identities.findOneAndUpdate(
      { _id: record._id, 'binding.step': 'awaiting_phone' },
      {
        $inc: { 'binding.attempts': 1 },
        // Back to the address: the owner is not told which answer was wrong, so both are asked again.
        $set: { 'binding.step': 'awaiting_unit', 'binding.building': '', 'binding.unit': '', updatedAt: now },
      },
      { returnDocument: 'after' },
    ).lean<IdentityRecord>();
    if (!updated) return { outcome: 'ask_unit' }; // a concurrent answer moved the dialog on
    log?.info(
      { identity: record.key, outcome: kind, attempts: updated.binding.attempts },
      'Owner binding mismatch',
    );
    if (updated.binding.attempts < policy.maxAttempts)
      return { outcome: kind, attemptsLeft: policy.maxAttempts - updated.binding.attempts };
    const lockedUntil = new Date(now.getTime() + policy.lockMs);
    await Identities.updateOne(
      { _id: record._id },
      { $set: { 'binding.step': 'locked', 'binding.lockedUntil': lockedUntil, updatedAt: now } },
    );
    log?.warn({ identity: record.key, lockedUntil }, 'Owner binding locked after repeated mismatches');
    return { outcome: 'locked', lockedUntil };
  };

  const identify = async (input: IdentifyInput): Promise<Identity> => {
    assertValidIdentifyInput(input);
    await indexesReady();
    const now = deps.clock.now();
    const key = `${input.channel}:${input.platformUserId}`;
    const displayName = input.displayName?.slice(0, 200) ?? '';
    const update = {
      $setOnInsert: {
        key,
        channel: input.channel,
        platformUserId: input.platformUserId,
        ownerId: '',
        verified: false,
        language: input.languageHint && LANGUAGES.includes(input.languageHint) ? input.languageHint : 'zh',
        binding: { step: 'none' as const, building: '', unit: '', attempts: 0, lockedUntil: EPOCH },
        createdAt: now,
        ...(displayName ? {} : { displayName: '' }),
      },
      $set: {
        address: {
          channel: input.address.channel,
          conversationId: input.address.conversationId,
          threadId: input.address.threadId ?? '',
        },
        lastInboundAt: input.at ?? now,
        // Writing to us again means they unblocked us.
        unreachable: false,
        unreachableReason: '',
        unreachableAt: null,
        updatedAt: now,
        ...(displayName ? { displayName } : {}),
      },
    };
    const knownId = idByKey.get(key);
    if (knownId !== undefined) {
      const record = await Identities.findOneAndUpdate(
        { _id: knownId },
        { $set: update.$set },
        {
          returnDocument: 'after',
        },
      ).lean<IdentityRecord>();
      if (record && record.key === key) return toIdentity(record);
      idByKey.delete(key);
    }
    // Not known here: most likely a first contact, so insert (about 1 ms) rather than upsert
    // by key (which reads every identity on the embedded engine); the unique key turns it into
    // a duplicate when the identity exists, and the upsert below updates it.
    try {
      const created = await Identities.create({ ...update.$setOnInsert, ...update.$set });
      const record = created.toObject() as IdentityRecord;
      remember(record);
      return toIdentity(record);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Concurrent first messages may both try to insert; the unique key lets one win and the
    // loser's retry finds the document and updates it.
    for (let attempt = 1; ; attempt++) {
      try {
        const record = await Identities.findOneAndUpdate({ key }, update, {
          upsert: true,
          returnDocument: 'after',
        }).lean<IdentityRecord>();
        if (!record)
          throw new AppError('identity_upsert_failed', `Upsert of identity ${key} returned nothing`);
        remember(record);
        return toIdentity(record);
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  };

  const startBinding = async (identityId: string): Promise<BindingResult> => {
    const record = await loadIdentity(identityId);
    const now = deps.clock.now();
    return (await gate(record, now)) ?? askUnit(record, now);
  };

  const submitUnit = async (identityId: string, text: string): Promise<BindingResult> => {
    const record = await loadIdentity(identityId);
    const now = deps.clock.now();
    const stop = await gate(record, now);
    if (stop) return stop;
    const address = parseUnitAddress(text);
    if (!address) return { outcome: 'unit_not_understood' };
    // The unit is not looked up here: whether it exists is only ever judged together with the digits.
    await Identities.updateOne(
      { _id: record._id },
      {
        $set: {
          'binding.step': 'awaiting_phone',
          'binding.building': address.building,
          'binding.unit': address.unit,
          ...afterLock(record),
          updatedAt: now,
        },
      },
    );
    return { outcome: 'ask_phone', building: address.building, unit: address.unit };
  };

  const submitPhoneDigits = async (identityId: string, text: string): Promise<BindingResult> => {
    const record = await loadIdentity(identityId);
    const now = deps.clock.now();
    const stop = await gate(record, now);
    if (stop) return stop;
    const { step, building, unit } = record.binding;
    if (step !== 'awaiting_phone' || !building || !unit) return askUnit(record, now);

    const digits = typeof text === 'string' ? text.normalize('NFKC').replace(/\D/g, '') : '';
    // Four digits as asked; a whole number is accepted too (and compared in full).
    const full = digits.length >= 7 ? normalizePhone(digits) : undefined;
    if (digits.length !== 4 && !full?.ok) return { outcome: 'digits_not_understood' };
    const matchesPhone = (owner: OwnerRecord) =>
      full?.ok ? owner.phone === full.phone : owner.phoneLast4 === digits;

    const wanted = splitUnit(unit);
    const candidates = (
      await Owners.find({ building, room: wanted.room, verified: true })
        .sort({ createdAt: 1, householdKey: 1 })
        .lean<OwnerRecord[]>()
    ).filter((owner) => !wanted.entrance || !owner.entrance || owner.entrance === wanted.entrance);
    if (candidates.length === 0) return countFailure(record, 'no_such_unit', now);
    const matches = candidates.filter(matchesPhone);
    // Without an entrance, "5栋1203" may name 1单元1203 and 2单元1203; bind only when the
    // digits single out one household. Two people of one household whose numbers end alike
    // get the earlier record (the whole number tells them apart).
    const households = new Set(matches.map((owner) => `${owner.building}/${owner.unit}`));
    const owner = matches[0];
    if (!owner || households.size !== 1) return countFailure(record, 'retry', now);

    const ownerId = String(owner._id);
    await Identities.updateOne(
      { _id: record._id },
      {
        $set: {
          ownerId,
          verified: true,
          binding: { step: 'none', building: '', unit: '', attempts: 0, lockedUntil: EPOCH },
          updatedAt: now,
        },
      },
    );
    log?.info({ identity: record.key, ownerId }, 'Owner identity verified');
    return { outcome: 'verified', ownerId, building: owner.building, unit: owner.unit };
  };

  const importCsv = async (text: string, options: { demo?: boolean } = {}): Promise<ImportReport> => {
    const { rows, rejected } = readOwnerFile(text);
    const report: ImportReport = { accepted: 0, updated: 0, rejected };
    if (rows.length === 0) return logImport(report, options);

    await indexesReady();
    const now = deps.clock.now();
    const write = async (row: OwnerRow): Promise<boolean> => {
      const filter = { householdKey: row.householdKey };
      const update = {
        $set: {
          name: row.name,
          language: row.language,
          verified: true,
          demo: options.demo === true,
          source: 'import',
          updatedAt: now,
        },
        $setOnInsert: {
          householdKey: row.householdKey,
          building: row.building,
          unit: row.unit,
          entrance: row.entrance,
          room: row.room,
          phone: row.phone,
          phoneLast4: row.phone.slice(-4),
          createdAt: now,
        },
      };
      try {
        return (await Owners.updateOne(filter, update, { upsert: true })).upsertedCount === 1;
      } catch (writeError) {
        // Another import inserted the same household between our find and insert: update it.
        if (!isDuplicateKey(writeError)) throw writeError;
        await Owners.updateOne(filter, update);
        return false;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++] as OwnerRow;
        if (await write(row)) report.accepted++;
        else report.updated++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, rows.length) }, worker));

    return logImport(report, options);
  };

  const logImport = (report: ImportReport, options: { demo?: boolean }): ImportReport => {
    log?.info(
      {
        accepted: report.accepted,
        updated: report.updated,
        rejected: report.rejected.length,
        demo: options.demo === true,
      },
      'Owners imported',
    );
    return report;
  };

  return {
    /**
     * The identity of whoever sent a message, created on first contact (race-safe: one
     * document however many messages arrive at once). Refreshes the reply address and
     * `lastInboundAt`, and clears `unreachable`.
     */
    identify,

    /** An identity by id; undefined when there is none. */
    /** The identity of a channel user (`<channel>:<platform user id>`), if they ever wrote. */
    async identityByKey(key: string): Promise<Identity | undefined> {
      const knownId = idByKey.get(key);
      if (knownId !== undefined) {
        const known = await Identities.findById(knownId).lean<IdentityRecord>();
        if (known && known.key === key) return toIdentity(known);
        idByKey.delete(key);
      }
      const record = await Identities.findOne({ key }).lean<IdentityRecord>();
      if (record) remember(record);
      return record ? toIdentity(record) : undefined;
    },

    async getIdentity(identityId: string): Promise<Identity | undefined> {
      const record = await findIdentity(identityId);
      return record ? toIdentity(record) : undefined;
    },

    /** The owner an identity is bound to; undefined for unverified identities. */
    async ownerOf(identity: Pick<Identity, 'ownerId' | 'verified'>): Promise<Owner | undefined> {
      if (!identity.verified || !identity.ownerId) return undefined;
      const record = await findOwner(identity.ownerId);
      return record ? toOwner(record) : undefined;
    },

    /**
     * The full phone number of an owner, for staff who call back. Never log it, never
     * send it to a channel user; everything else uses `Owner.maskedPhone`.
     */
    async phoneOf(ownerId: string): Promise<string | undefined> {
      return (await findOwner(ownerId))?.phone;
    },

    /** Sets the reply language of an identity, and of its owner when bound. */
    async setLanguage(identityId: string, language: Language): Promise<Identity> {
      if (!LANGUAGES.includes(language))
        throw new AppError('language_invalid', `language must be zh or en, got ${JSON.stringify(language)}`);
      const record = await loadIdentity(identityId);
      const now = deps.clock.now();
      const updated = await Identities.findOneAndUpdate(
        { _id: record._id },
        { $set: { language, updatedAt: now } },
        { returnDocument: 'after' },
      ).lean<IdentityRecord>();
      if (record.ownerId && Types.ObjectId.isValid(record.ownerId))
        await Owners.updateOne({ _id: record.ownerId }, { $set: { language, updatedAt: now } });
      return toIdentity(updated ?? record);
    },

    /** Begins the binding dialog: asks for the unit, unless already verified or locked out. */
    startBinding,

    /** Takes the owner's building and unit in any usual spelling; asks for the phone digits next. */
    submitUnit,

    /**
     * Checks the last four digits (or the whole number) against the phone on file for the
     * unit. A wrong unit and wrong digits each cost one attempt; after `maxAttempts` the
     * identity is locked for `lockMs`. On success the identity is bound and verified.
     */
    submitPhoneDigits,

    /** Leaves the binding dialog (the owner said "cancel"); a lock-out and the attempts used stay. */
    async cancelBinding(identityId: string): Promise<BindingResult> {
      const record = await loadIdentity(identityId);
      const now = deps.clock.now();
      const stop = await gate(record, now);
      if (stop) return stop;
      await Identities.updateOne(
        { _id: record._id },
        {
          $set: {
            'binding.step': 'none',
            'binding.building': '',
            'binding.unit': '',
            ...afterLock(record),
            updatedAt: now,
          },
        },
      );
      return { outcome: 'cancelled' };
    },

    /**
     * Records that the platform refused delivery because the user blocked us (Telegram
     * 403, WeChat unfollow). Returns false when we never heard from that user.
     */
    async markUnreachable(channel: ChannelName, platformUserId: string, reason: string): Promise<boolean> {
      if (typeof platformUserId !== 'string') return false;
      const now = deps.clock.now();
      const key = `${channel}:${platformUserId}`;
      const result = await Identities.updateOne(
        { key },
        {
          $set: {
            unreachable: true,
            unreachableReason: String(reason).slice(0, 300),
            unreachableAt: now,
            updatedAt: now,
          },
        },
      );
      if (result.matchedCount > 0) log?.info({ identity: key, reason }, 'Identity marked unreachable');
      return result.matchedCount > 0;
    },

    /**
     * Verified owners with a verified identity we can still reach, one entry per owner: the
     * identity they wrote from most recently (the channel they use, and the one whose
     * WeChat 48-hour window is likeliest open). Demo owners only when asked.
     */
    async listVerifiedReachable(
      options: { channels?: ChannelName[]; buildings?: string[]; includeDemo?: boolean } = {},
    ): Promise<Array<{ owner: Owner; identity: Identity }>> {
      const ownerFilter: Record<string, unknown> = { verified: true };
      if (!options.includeDemo) ownerFilter.demo = false;
      if (options.buildings) ownerFilter.building = trusted({ $in: options.buildings.map(String) });
      const owners = await Owners.find(ownerFilter).sort({ building: 1, unit: 1 }).lean<OwnerRecord[]>();
      const byId = new Map(owners.map((owner) => [String(owner._id), owner]));
      const latest = new Map<string, IdentityRecord>();
      // One read of every reachable verified identity, matched to the owners here: nearly
      // all of them belong to listed owners, and on the embedded engine each read decodes
      // the whole collection (an `$in` of owner ids in batches read it once per batch).
      const identityFilter: Record<string, unknown> = { verified: true, unreachable: false };
      if (options.channels) identityFilter.channel = trusted({ $in: options.channels.map(String) });
      for (const identity of await Identities.find(identityFilter).lean<IdentityRecord[]>()) {
        if (!byId.has(identity.ownerId)) continue;
        const current = latest.get(identity.ownerId);
        if (!current || identity.lastInboundAt > current.lastInboundAt)
          latest.set(identity.ownerId, identity);
      }
      return owners.flatMap((owner) => {
        const identity = latest.get(String(owner._id));
        return identity ? [{ owner: toOwner(owner), identity: toIdentity(identity) }] : [];
      });
    },

    /**
     * Imports the owner file (header `name,building,unit,phone,language`; RFC 4180 CSV).
     * Valid rows are written even when others are rejected; importing the same file again
     * updates the same owners. Imported owners are verified; `demo` marks sample data.
     */
    importCsv,
  };
}

export type OwnerService = ReturnType<typeof createOwnerService>;

function assertValidIdentifyInput(input: IdentifyInput): void {
  const problems: string[] = [];
  if (!input || !CHANNEL_NAMES.includes(input.channel))
    problems.push('channel must be one of ' + CHANNEL_NAMES.join(', '));
  if (
    typeof input?.platformUserId !== 'string' ||
    input.platformUserId.length === 0 ||
    input.platformUserId.length > 256
  )
    problems.push('platformUserId must be a string of 1-256 characters');
  if (
    !input?.address ||
    !CHANNEL_NAMES.includes(input.address.channel) ||
    typeof input.address.conversationId !== 'string' ||
    input.address.conversationId.length === 0
  )
    problems.push('address needs a channel and a conversationId');
  if (input?.displayName !== undefined && typeof input.displayName !== 'string')
    problems.push('displayName must be a string');
  if (problems.length > 0)
    throw new AppError('identity_input_invalid', `Invalid identity: ${problems.join('; ')}`);
}
