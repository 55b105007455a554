/** The demo estate's name as the dashboard shows it. */
export const DEMO_ESTATE = { zh: '湖畔花园（演示数据）', en: 'Lakeside Garden (demo data)' } as const;
/** The survey definition the demo campaigns use. */
export const DEMO_DEFINITION_ID = 'demo-quarterly@1';
/** Marks every generated document's key, so demo data can be found and replaced. */
export const DEMO_PREFIX = 'demo:';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export interface DemoCounts {
  owners: number;
  messages: number;
  tickets: number;
  responses: number;
  answers: number;
}

/** A generated owner as the later steps need them. */
export interface DemoOwner {
  id: string;
  building: string;
  unit: string;
  language: 'zh' | 'en';
  /** -1 unhappy, 0 neutral, +1 happy: drives scores and complaints. */
  mood: number;
  createdAt: Date;
}

/** Documents bound for one collection, written `batchSize` at a time. */
export interface DemoBatch<T> {
  /** Queues a document and counts it. */
  push(doc: T): void;
  /** Writes the queue once it holds a whole batch. */
  flushIfFull(): Promise<void>;
  /** Writes whatever is queued. */
  flush(): Promise<void>;
}

/** Where a batch goes: a driver collection (`Model.collection`). */
export type DemoCollection = { insertMany(docs: object[], options: object): Promise<unknown> };

/** What every step of the generator shares: the clock, the seeded randomness and the batched writes. */
export interface DemoContext {
  now: Date;
  /** The start of the generated year. */
  yearAgo: number;
  timeZone: string;
  rand: () => number;
  pick<T>(list: readonly T[]): T;
  batch<T extends object>(collection: DemoCollection, counted: keyof DemoCounts): DemoBatch<T>;
  counts: DemoCounts;
}

/** mulberry32: small, fast and deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The shared context for one generation: the same seed gives the same estate. Each batch
 * write is unordered (one bad document does not stop the rest) and `onBatch` hears the
 * running counts after it.
 */
export function createDemoContext(options: {
  now: Date;
  timeZone: string;
  seed: number;
  batchSize: number;
  onBatch?: (counts: DemoCounts) => void;
}): DemoContext {
  const rand = random(options.seed);
  const counts: DemoCounts = { owners: 0, messages: 0, tickets: 0, responses: 0, answers: 0 };
  return {
    now: options.now,
    yearAgo: options.now.getTime() - 365 * DAY,
    timeZone: options.timeZone,
    rand,
    pick: (list) => list[Math.floor(rand() * list.length)] as (typeof list)[number],
    counts,
    batch<T extends object>(collection: DemoCollection, counted: keyof DemoCounts): DemoBatch<T> {
      const docs: T[] = [];
      const flush = async () => {
        if (docs.length === 0) return;
        await collection.insertMany(docs.splice(0, docs.length), { ordered: false });
        options.onBatch?.({ ...counts });
      };
      return {
        push(doc) {
          docs.push(doc);
          counts[counted]++;
        },
        flushIfFull: () => (docs.length >= options.batchSize ? flush() : Promise.resolve()),
        flush,
      };
    },
  };
}
