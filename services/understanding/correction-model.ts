import { modelOn } from '../database/model';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Category, Intent } from '../../nlp';

/** A staff member's verdict on how the bot understood a message. */
export interface CorrectionRecord {
  /** correctionKey(text): the same message in other spelling or punctuation is one correction. */
  _id: string;
  text: string;
  intent: Intent;
  category: Category;
  staffId: string;
  /** The case it was made on, '' when made elsewhere. */
  caseId: string;
  at: Date;
}

const correctionSchema = new Schema<CorrectionRecord>(
  {
    _id: { type: String, required: true },
    text: { type: String, required: true },
    intent: { type: String, required: true },
    category: { type: String, required: true },
    staffId: { type: String, required: true },
    caseId: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
correctionSchema.index({ at: 1 });

/** The `corrections` collection: one document per corrected message, the latest verdict wins. */
export function correctionModel(connection: Connection): Model<CorrectionRecord> {
  return modelOn<CorrectionRecord>(connection, 'Correction', correctionSchema, 'corrections');
}
