import { Schema, type Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { modelOn } from '../database/model';
import { isDuplicateKey } from './outbox';

interface SliceRecord {
  _id: string;
  owner: string;
  createdAt: Date;
}

const sliceSchema = new Schema<SliceRecord>(
  { _id: String, owner: String, createdAt: Date },
  { versionKey: false, collection: 'outbox_rate_slices' },
);

const KEEP_RECORDS_MS = 60_000;

/**
 * The slice records in `outbox_rate_slices`: `<channel>:<slice>`, owned by whichever
 * instance inserted it first (a unique insert, the one atomic step both engines agree on).
 */
export function createSliceRecords(deps: { connection: Connection; instanceId: string; clock: Clock }) {
  const Slices = modelOn<SliceRecord>(deps.connection, 'OutboxRateSlice', sliceSchema, 'outbox_rate_slices');
  return {
    /** Tries to take the slice for this instance: false when another took it first. */
    async claim(channel: ChannelName, slice: number): Promise<boolean> {
      try {
        // The driver's insert: the record is ours, needs no casting, and it is on the send path.
        await Slices.collection.insertOne({
          _id: `${channel}:${slice}`,
          owner: deps.instanceId,
          createdAt: deps.clock.now(),
        } as unknown as SliceRecord & { _id: never });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    /** Deletes slice records older than a minute. */
    async forgetOld(): Promise<void> {
      await Slices.deleteMany({
        createdAt: trusted({ $lt: new Date(deps.clock.now().getTime() - KEEP_RECORDS_MS) }),
      });
    },
  };
}
