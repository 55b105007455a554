import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { trusted } from '../database/connect';
import { indexesReady } from '../database/indexes-ready';
import { modelOn } from '../database/model';
import { isDuplicateKey } from '../outbox/outbox-model';
import type { CounterState } from './binding-guard-rules';

/** Failed binding answers on one key (`unit:5/1203`, `address:203.0.113.9`), shared by every instance. */
export interface BindingCounterRecord extends CounterState {
  _id: Types.ObjectId;
  key: string;
  /** After this the counter counts for nothing and the scheduled purge deletes it. */
  forgetAt: Date;
}

const counterSchema = new Schema<BindingCounterRecord>(
  {
    key: { type: String, required: true, unique: true },
    failures: { type: Number, required: true },
    lastFailureAt: { type: Date, required: true },
    forgetAt: { type: Date, required: true },
  },
  { versionKey: false },
);
counterSchema.index({ forgetAt: 1 });

/** The `binding_counters` model on this connection. */
export function bindingCounterModel(connection: Connection) {
  return modelOn<BindingCounterRecord>(connection, 'BindingCounter', counterSchema, 'binding_counters');
}

/** Rounds of read-then-conditional-write before a crowded key is treated as paused. */
const CHARGE_ROUNDS = 5;

/**
 * The counters' storage. `charge` adds a failure only if the key may be tried at that
 * moment, as one conditional update on the counter it read: of many tries racing on one
 * key, each admitted one is counted before the next is judged, so parallel guesses gain nothing.
 */
export function createCounterStore(deps: { connection: Connection }) {
  const Counters = bindingCounterModel(deps.connection);
  const ready = indexesReady(Counters);

  const read = async (key: string) =>
    (await Counters.findOne({ key }).lean<BindingCounterRecord>()) ?? undefined;

  /** The stored counter, or undefined when it never existed or is forgotten at `now`. */
  async function current(key: string, now: Date): Promise<BindingCounterRecord | undefined> {
    const record = await read(key);
    return record && record.forgetAt > now ? record : undefined;
  }

  return {
    current,

    /**
     * Counts one failure on `key` at `now` unless `blocked` says the counter as read forbids a
     * try. Returns the failures now counted, or the counter that blocked (undefined when the
     * key stayed too crowded to write).
     */
    async charge(
      key: string,
      now: Date,
      blocked: (state: CounterState) => boolean,
      forget: (state: CounterState) => Date,
    ): Promise<{ failures: number } | { blockedBy: CounterState | undefined }> {
      await ready();
      for (let round = 0; round < CHARGE_ROUNDS; round++) {
        const stored = await read(key);
        const live = stored && stored.forgetAt > now ? stored : undefined;
        if (live && blocked(live)) return { blockedBy: live };
        const state = { failures: (live?.failures ?? 0) + 1, lastFailureAt: now };
        if (await write(Counters, key, stored, { ...state, forgetAt: forget(state) }))
          return { failures: state.failures };
      }
      return { blockedBy: undefined };
    },

    /** Takes back a failure charged for a try that turned out right. */
    async refund(key: string): Promise<void> {
      await Counters.updateOne({ key, failures: trusted({ $gt: 0 }) }, { $inc: { failures: -1 } });
    },

    /** Deletes a key's counter (staff lifted its lock-out); true when there was one. */
    async remove(key: string): Promise<boolean> {
      return (await Counters.deleteOne({ key })).deletedCount === 1;
    },

    /** Deletes counters forgotten by `now`; returns how many. */
    async purge(now: Date): Promise<number> {
      return (await Counters.deleteMany({ forgetAt: trusted({ $lte: now }) })).deletedCount;
    },

    /** Live counters with at least `failures` failures, most recent first. */
    async atLeast(failures: number, now: Date, limit: number): Promise<BindingCounterRecord[]> {
      return Counters.find({ failures: trusted({ $gte: failures }), forgetAt: trusted({ $gt: now }) })
        .sort({ lastFailureAt: -1, key: 1 })
        .limit(limit)
        .lean<BindingCounterRecord[]>();
    },
  };
}

export type CounterStore = ReturnType<typeof createCounterStore>;

/** Inserts or replaces the counter as `next`, on the condition it still is `seen`; false when it changed. */
async function write(
  Counters: Model<BindingCounterRecord>,
  key: string,
  seen: BindingCounterRecord | undefined,
  next: Omit<BindingCounterRecord, '_id' | 'key'>,
): Promise<boolean> {
  if (!seen) {
    try {
      await Counters.create({ key, ...next });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
  const { modifiedCount } = await Counters.updateOne(
    { _id: seen._id, failures: seen.failures, lastFailureAt: seen.lastFailureAt },
    { $set: next },
  );
  return modifiedCount === 1;
}
