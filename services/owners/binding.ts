import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import {
  activeLock,
  afterLock,
  matchHousehold,
  NO_BINDING,
  readPhoneAnswer,
  type BindingPolicy,
  type BindingResult,
} from './binding-rules';
import { parseUnitAddress, splitUnit } from './household';
import type { Identities } from './identities';
import { ownerModels, type IdentityRecord } from './owner-model';
import type { OwnerRecords } from './owner-records';

/**
 * The binding dialog: an identity names a unit, then the last four digits of the phone on
 * file for it, and is bound to that owner and verified. Wrong answers are counted on the
 * identity with `$inc`; the one that reaches `maxAttempts` locks it for `lockMs`.
 */
export function createBinding(deps: {
  connection: Connection;
  identities: Identities;
  records: OwnerRecords;
  clock: Clock;
  policy: BindingPolicy;
  logger?: Logger;
}) {
  const { identities: Identities } = ownerModels(deps.connection);
  const log = deps.logger;

  const moveTo = async (record: IdentityRecord, fields: Record<string, unknown>, now: Date) => {
    await Identities.updateOne(
      { _id: record._id },
      { $set: { ...fields, ...afterLock(record.binding), updatedAt: now } },
    );
  };

  /** The checks every step starts with: already bound, or locked out. */
  const gate = async (record: IdentityRecord, now: Date): Promise<BindingResult | undefined> => {
    const owner = record.verified && record.ownerId ? await deps.records.find(record.ownerId) : undefined;
    if (owner)
      return {
        outcome: 'already_verified',
        ownerId: String(owner._id),
        building: owner.building,
        unit: owner.unit,
      };
    const lockedUntil = activeLock(record.binding, now);
    return lockedUntil ? { outcome: 'locked', lockedUntil } : undefined;
  };

  /** Loads the identity and runs the gate; `next` runs only when the dialog may go on. */
  const step = async (
    identityId: string,
    next: (record: IdentityRecord, now: Date) => Promise<BindingResult>,
  ): Promise<BindingResult> => {
    const record = await deps.identities.load(identityId);
    const now = deps.clock.now();
    return (await gate(record, now)) ?? next(record, now);
  };

  const askUnit = async (record: IdentityRecord, now: Date): Promise<BindingResult> => {
    await moveTo(
      record,
      { 'binding.step': 'awaiting_unit', 'binding.building': '', 'binding.unit': '' },
      now,
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
    const attempts = updated.binding.attempts;
    log?.info({ identity: record.key, outcome: kind, attempts }, 'Owner binding mismatch');
    if (attempts < deps.policy.maxAttempts)
      return { outcome: kind, attemptsLeft: deps.policy.maxAttempts - attempts };
    const lockedUntil = new Date(now.getTime() + deps.policy.lockMs);
    await Identities.updateOne(
      { _id: record._id },
      { $set: { 'binding.step': 'locked', 'binding.lockedUntil': lockedUntil, updatedAt: now } },
    );
    log?.warn({ identity: record.key, lockedUntil }, 'Owner binding locked after repeated mismatches');
    return { outcome: 'locked', lockedUntil };
  };

  const checkDigits = async (record: IdentityRecord, text: string, now: Date): Promise<BindingResult> => {
    const { step: current, building, unit } = record.binding;
    if (current !== 'awaiting_phone' || !building || !unit) return askUnit(record, now);
    const answer = readPhoneAnswer(text);
    if (!answer) return { outcome: 'digits_not_understood' };
    const candidates = await deps.records.verifiedAt(building, splitUnit(unit).room);
    const match = matchHousehold(candidates, unit, answer);
    if (!('owner' in match)) return countFailure(record, match.outcome, now);
    const ownerId = String(match.owner._id);
    await Identities.updateOne(
      { _id: record._id },
      { $set: { ownerId, verified: true, binding: NO_BINDING, updatedAt: now } },
    );
    log?.info({ identity: record.key, ownerId }, 'Owner identity verified');
    return { outcome: 'verified', ownerId, building: match.owner.building, unit: match.owner.unit };
  };

  return {
    /** Begins the dialog: asks for the unit, unless already verified or locked out. */
    start: (identityId: string) => step(identityId, askUnit),

    /** Takes the building and unit in any usual spelling; asks for the phone digits next. */
    submitUnit: (identityId: string, text: string) =>
      step(identityId, async (record, now) => {
        const address = parseUnitAddress(text);
        if (!address) return { outcome: 'unit_not_understood' };
        // The unit is not looked up here: whether it exists is only ever judged together with the digits.
        const fields = {
          'binding.step': 'awaiting_phone',
          'binding.building': address.building,
          'binding.unit': address.unit,
        };
        await moveTo(record, fields, now);
        return { outcome: 'ask_phone', building: address.building, unit: address.unit };
      }),

    /**
     * Checks the last four digits (or the whole number) against the phone on file for the
     * unit. A wrong unit and wrong digits each cost one attempt; after `maxAttempts` the
     * identity is locked for `lockMs`. On success the identity is bound and verified.
     */
    submitPhoneDigits: (identityId: string, text: string) =>
      step(identityId, (record, now) => checkDigits(record, text, now)),

    /** Leaves the dialog (the owner said "cancel"); a lock-out and the attempts used stay. */
    cancel: (identityId: string) =>
      step(identityId, async (record, now) => {
        await moveTo(record, { 'binding.step': 'none', 'binding.building': '', 'binding.unit': '' }, now);
        return { outcome: 'cancelled' };
      }),
  };
}

export type Binding = ReturnType<typeof createBinding>;
