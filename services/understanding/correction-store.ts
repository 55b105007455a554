import type { Connection } from 'mongoose';
import { correctionKey, type Category, type Correction, type Intent } from '../../nlp';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { correctionModel } from './correction-model';

/** A staff member's verdict on one message. */
export interface StaffCorrection {
  text: string;
  intent: Intent;
  category: Category;
  staffId: string;
  caseId?: string;
}

/** The stored corrections: the latest verdict per correctionKey, read back in the order they were made. */
export function createCorrectionStore(connection: Connection, clock: Clock) {
  const Corrections = correctionModel(connection);
  return {
    /** Every correction, oldest first, as the trainer takes them. */
    async all(): Promise<Correction[]> {
      const stored = await Corrections.find({}, { text: 1, intent: 1, category: 1 })
        .sort({ at: 1, _id: 1 })
        .lean();
      return stored.map(({ text, intent, category }) => ({ text, intent, category }));
    },
    /** Stores a correction (replacing an earlier one for the same message) and returns its key. */
    async save(correction: StaffCorrection): Promise<string> {
      const key = correctionKey(correction.text);
      if (key === '') throw new AppError('empty_correction', 'a correction needs a message with words in it');
      await Corrections.updateOne(
        { _id: key },
        {
          $set: {
            text: correction.text,
            intent: correction.intent,
            category: correction.category,
            staffId: correction.staffId,
            caseId: correction.caseId ?? '',
            at: clock.now(),
          },
        },
        { upsert: true },
      );
      return key;
    },
  };
}
