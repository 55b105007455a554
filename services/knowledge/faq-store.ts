import { modelOn } from '../database/model';
import { Schema, type Connection } from 'mongoose';
import { createFaqIndex, loadSampleFaq, type FaqEntry, type FaqFile, type FaqIndex } from '../../nlp';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';

/**
 * One imported knowledge base. Entries are stored with the import's id and the `faq_active`
 * pointer names the live import, so an import becomes visible in one single-document update
 * and a reader never sees half of an old and half of a new file (no transactions needed).
 */
interface FaqImportRecord {
  _id: string;
  name: string;
  notice: string;
  entries: FaqEntry[];
  importedAt: Date;
  source: string;
}

interface FaqActiveRecord {
  _id: 'active';
  importId: string;
  updatedAt: Date;
}

const importSchema = new Schema<FaqImportRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    notice: { type: String, default: '' },
    // Entries are validated by nlp/faq.ts before they get here; stored as given.
    entries: { type: Schema.Types.Mixed, required: true },
    importedAt: { type: Date, required: true },
    source: { type: String, default: '' },
  },
  { versionKey: false },
);

const activeSchema = new Schema<FaqActiveRecord>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

function models(connection: Connection) {
  return {
    Imports: modelOn<FaqImportRecord>(connection, 'FaqImport', importSchema, 'faq_imports'),
    Active: modelOn<FaqActiveRecord>(connection, 'FaqActive', activeSchema, 'faq_active'),
  };
}

/** The knowledge base the bot answers from, and where it came from. */
export interface ActiveFaq {
  file: FaqFile;
  index: FaqIndex;
  /** 'sample' until an operator imports a file. */
  source: 'imported' | 'sample';
  importId: string;
}

export interface FaqStore {
  /** Validates and stores `file`, then makes it the active knowledge base. */
  importFile(file: FaqFile, source: string): Promise<{ importId: string; entries: number }>;
  /** The active knowledge base, re-read from the database at most once per `refreshMs`. */
  active(): Promise<ActiveFaq>;
}

/**
 * The FAQ knowledge base in MongoDB. Several app instances read the same active pointer;
 * each caches the built index and rebuilds only when the pointer moves. While the sample is
 * active, the logger (when given) warns once per store.
 */
export function createFaqStore(options: {
  connection: Connection;
  clock: Clock;
  threshold?: number;
  margin?: number;
  refreshMs?: number;
  logger?: Logger;
}): FaqStore {
  const { Imports, Active } = models(options.connection);
  const refreshMs = options.refreshMs ?? 30_000;
  let cached: ActiveFaq | undefined;
  let checkedAt = -Infinity;
  let warnedOfSample = false;

  function build(file: FaqFile, source: ActiveFaq['source'], importId: string): ActiveFaq {
    if (source === 'sample' && !warnedOfSample) {
      warnedOfSample = true;
      options.logger?.warn(
        { faq: file.name },
        'The sample FAQ knowledge base of a fictional estate is active; owners are told its answers are sample content. Import your own: npx ownerbot faq import FILE',
      );
    }
    const index = createFaqIndex(file.entries, { threshold: options.threshold, margin: options.margin });
    return { file, index, source, importId };
  }

  async function reload(): Promise<ActiveFaq> {
    const pointer = await Active.findById('active').lean();
    if (!pointer) {
      return cached?.source === 'sample' ? cached : build(loadSampleFaq(), 'sample', 'sample');
    }
    if (cached?.importId === pointer.importId) return cached;
    const stored = await Imports.findById(pointer.importId).lean();
    if (!stored) return cached ?? build(loadSampleFaq(), 'sample', 'sample');
    const file: FaqFile = { name: stored.name, notice: stored.notice, entries: stored.entries };
    return build(file, 'imported', stored._id);
  }

  return {
    async importFile(file, source) {
      const now = options.clock.now();
      const importId = `${now.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
      await Imports.create({
        _id: importId,
        name: file.name,
        notice: file.notice ?? '',
        entries: file.entries,
        importedAt: now,
        source,
      });
      await Active.updateOne({ _id: 'active' }, { $set: { importId, updatedAt: now } }, { upsert: true });
      // Older imports are kept as history; they are small and show what was live when.
      checkedAt = -Infinity;
      return { importId, entries: file.entries.length };
    },
    async active() {
      const now = options.clock.now().getTime();
      if (cached && now - checkedAt < refreshMs) return cached;
      cached = await reload();
      checkedAt = now;
      return cached;
    },
  };
}
