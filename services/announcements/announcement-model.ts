import { Schema, type Connection } from 'mongoose';
import { modelOn } from '../database/model';

/** One notice from staff to owners: `_id` is its id; each owner's copy is `announcement:<id>:<ownerId>`. */
export interface AnnouncementRecord {
  _id: string;
  /** The notice as staff wrote it; a language left empty falls back to the other. */
  text: { zh: string; en: string };
  /** '' = every owner; else only owners of this building. */
  building: string;
  by: string;
  source: 'slack' | 'cli';
  status: 'sending' | 'done';
  recipients: number;
  queued: number;
  createdAt: Date;
  finishedAt: Date | null;
}

const schema = new Schema<AnnouncementRecord>(
  {
    _id: { type: String, required: true },
    text: { zh: { type: String, default: '' }, en: { type: String, default: '' } },
    building: { type: String, default: '' },
    by: { type: String, required: true },
    source: { type: String, required: true, enum: ['slack', 'cli'] },
    status: { type: String, required: true, enum: ['sending', 'done'] },
    recipients: { type: Number, default: 0 },
    queued: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
schema.index({ status: 1 });

/** The announcements collection on this connection. */
export function announcementModel(connection: Connection) {
  return modelOn<AnnouncementRecord>(connection, 'Announcement', schema, 'announcements');
}
