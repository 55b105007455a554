import type { Connection } from 'mongoose';
import { afterLock, NO_BINDING } from './binding-rules';
import { ownerModels, type IdentityRecord } from './owner-model';

/**
 * The binding dialog's writes to an identity, each one update by `_id`. A wrong answer is
 * counted with `$inc` on the condition that the identity still waits for the digits, so
 * two answers racing count once each and never past a step.
 */
export function createBindingStore(deps: { connection: Connection }) {
  const { identities: Identities } = ownerModels(deps.connection);
  const setOn = async (record: IdentityRecord, fields: Record<string, unknown>) => {
    await Identities.updateOne({ _id: record._id }, { $set: fields });
  };

  return {
    /** Moves the dialog to `fields`; the first step after an expired lock-out gets fresh attempts. */
    moveTo: (record: IdentityRecord, fields: Record<string, unknown>, now: Date) =>
      setOn(record, { ...fields, ...afterLock(record.binding), updatedAt: now }),

    /**
     * Counts one wrong answer and goes back to asking for the unit; returns the attempts
     * used, or undefined when a concurrent answer moved the dialog on first.
     */
    async countFailure(record: IdentityRecord, now: Date): Promise<number | undefined> {
      const updated = await Identities.findOneAndUpdate(
        { _id: record._id, 'binding.step': 'awaiting_phone' },
        {
          $inc: { 'binding.attempts': 1 },
          // Back to the address: the owner is not told which answer was wrong, so both are asked again.
          $set: {
            'binding.step': 'awaiting_unit',
            'binding.building': '',
            'binding.unit': '',
            updatedAt: now,
          },
        },
        { returnDocument: 'after' },
      ).lean<IdentityRecord>();
      return updated?.binding.attempts;
    },

    lock: (record: IdentityRecord, lockedUntil: Date, now: Date) =>
      setOn(record, { 'binding.step': 'locked', 'binding.lockedUntil': lockedUntil, updatedAt: now }),

    /** Binds the identity to the owner and marks it verified; the dialog starts over clean. */
    bind: (record: IdentityRecord, ownerId: string, now: Date) =>
      setOn(record, { ownerId, verified: true, binding: NO_BINDING, updatedAt: now }),
  };
}

export type BindingStore = ReturnType<typeof createBindingStore>;
