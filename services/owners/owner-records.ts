import { Types, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { indexesReady } from '../database/indexes-ready';
import type { Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import { readOwnerFile, type OwnerRow } from './owner-file';
import { ownerModels, type OwnerRecord } from './owner-model';

export interface ImportReport {
  /** Rows that created an owner. */
  accepted: number;
  /** Rows that matched an owner already on file (same building, unit and phone) and updated it. */
  updated: number;
  /** Rows not imported, by line number of the file (the header is line 1). */
  rejected: Array<{ line: number; reason: string }>;
}

const IMPORT_CONCURRENCY = 8;

/**
 * The owner database: one record per person per household (unique `householdKey`), from
 * the property company's file. Holds the full phone number, which leaves here only through
 * `find` for the binding check and staff call-backs.
 */
export function createOwnerRecords(deps: { connection: Connection; clock: Clock; logger?: Logger }) {
  const { owners: Owners } = ownerModels(deps.connection);
  const ready = indexesReady(Owners);

  /** One row as one upsert on its household key: true when it created the owner. */
  const write = async (row: OwnerRow, demo: boolean, now: Date): Promise<boolean> =>
    (await Owners.updateOne({ householdKey: row.householdKey }, rowUpsert(row, demo, now), { upsert: true }))
      .upsertedCount === 1;

  return {
    /** An owner by id; undefined when there is none. */
    async find(ownerId: string): Promise<OwnerRecord | undefined> {
      if (typeof ownerId !== 'string' || !Types.ObjectId.isValid(ownerId)) return undefined;
      return (await Owners.findById(ownerId).lean<OwnerRecord>()) ?? undefined;
    },

    /** The verified owners of a building's room (any entrance), oldest first. */
    async verifiedAt(building: string, room: string): Promise<OwnerRecord[]> {
      return Owners.find({ building, room, verified: true })
        .sort({ createdAt: 1, householdKey: 1 })
        .lean<OwnerRecord[]>();
    },

    async setLanguage(ownerId: string, language: Language): Promise<void> {
      if (!Types.ObjectId.isValid(ownerId)) return;
      await Owners.updateOne({ _id: ownerId }, { $set: { language, updatedAt: deps.clock.now() } });
    },

    /**
     * Imports the owner file (header `name,building,unit,phone,language`; RFC 4180 CSV).
     * Valid rows are written even when others are rejected; importing the same file again
     * updates the same owners. Imported owners are verified; `demo` marks sample data.
     */
    async importCsv(text: string, options: { demo?: boolean } = {}): Promise<ImportReport> {
      const { rows, rejected } = readOwnerFile(text);
      const report: ImportReport = { accepted: 0, updated: 0, rejected };
      const demo = options.demo === true;
      if (rows.length > 0) {
        await ready();
        const now = deps.clock.now();
        let next = 0;
        const worker = async () => {
          while (next < rows.length) {
            if (await write(rows[next++] as OwnerRow, demo, now)) report.accepted++;
            else report.updated++;
          }
        };
        await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, rows.length) }, worker));
      }
      deps.logger?.info(
        { accepted: report.accepted, updated: report.updated, rejected: report.rejected.length, demo },
        'Owners imported',
      );
      return report;
    },
  };
}

export type OwnerRecords = ReturnType<typeof createOwnerRecords>;

/** A row of the owner file as an upsert: the household's fixed facts only when it is new. */
function rowUpsert(row: OwnerRow, demo: boolean, now: Date) {
  return {
    $set: { name: row.name, language: row.language, verified: true, demo, source: 'import', updatedAt: now },
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
}
