import { Schema } from 'mongoose';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

interface Row {
  key: string;
  owner: string;
  n: number;
  holder: string;
}

const rowSchema = new Schema<Row>(
  {
    key: { type: String, required: true, unique: true },
    owner: { type: String, required: true, index: true },
    n: { type: Number, default: 0 },
    holder: { type: String, default: '' },
  },
  { versionKey: false },
);

const rows = () => database().connection.model<Row>('EngineRow', rowSchema, 'engine_rows');

/** Every plan node in PostgreSQL's JSON EXPLAIN output, depth first. */
function planNodes(plan: unknown): Array<Record<string, unknown>> {
  if (!plan || typeof plan !== 'object') return [];
  if (Array.isArray(plan)) return plan.flatMap(planNodes);
  const node = plan as Record<string, unknown>;
  return [node, ...planNodes(node.Plan), ...planNodes(node.Plans)];
}

async function plannedScans(filter: Record<string, unknown>): Promise<string[]> {
  const explained = (await database().connection.db!.command({
    explain: { find: 'engine_rows', filter },
  })) as { queryPlanner?: unknown };
  return planNodes(explained.queryPlanner)
    .map((node) => String(node['Node Type'] ?? ''))
    .filter((type) => type.includes('Scan'));
}

describe('the embedded engine (FerretDB on PostgreSQL)', () => {
  const engineOnly = process.env.MONGODB_URI ? it.skip : it;

  beforeAll(async () => {
    await rows().init();
    for (let start = 0; start < 50_000; start += 5_000) {
      await rows().collection.insertMany(
        Array.from({ length: 5_000 }, (_, i) => ({
          key: `k${start + i}`,
          owner: `o${(start + i) % 2_000}`,
          n: 0,
          holder: '',
        })),
      );
    }
  }, 240_000);

  engineOnly(
    'when a collection holds 50,000 documents, then PostgreSQL serves an equality find on an indexed field from an index',
    async () => {
      for (const filter of [{ key: 'k31337' }, { owner: 'o17' }]) {
        const scans = await plannedScans(filter);
        expect(scans.length).toBeGreaterThan(0);
        expect(scans.every((type) => type.includes('Index') || type.includes('Bitmap'))).toBe(true);
      }
      expect(await plannedScans({ n: 0 })).toContain('Seq Scan'); // not indexed: the check can fail
      expect((await rows().findOne({ key: 'k31337' }).lean())?.owner).toBe('o1337');
    },
  );

  engineOnly('when a collection is created later, then its indexes get the same treatment', async () => {
    const later = database().connection.model(
      'EngineLater',
      new Schema({ ref: { type: String, index: true } }, { versionKey: false }),
      'engine_later',
    );
    await later.init();
    await later.create({ ref: 'a' });
    const explained = (await database().connection.db!.command({
      explain: { find: 'engine_later', filter: { ref: 'a' } },
    })) as { queryPlanner?: unknown };
    const indexNames = planNodes(explained.queryPlanner).map((node) => String(node['Index Name'] ?? ''));
    expect(indexNames.some((name) => name.endsWith('_gin'))).toBe(true);
  });

  it('when eight writers claim one document at once, then exactly one succeeds, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const key = `k${round}`;
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, writer) =>
          rows()
            .findOneAndUpdate(
              { key, holder: '' },
              { $set: { holder: `writer-${writer}` } },
              { returnDocument: 'after' },
            )
            .lean(),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const stored = await rows().findOne({ key }).lean();
      expect(stored?.holder).toBe(claims.find(Boolean)?.holder);
    }
  });

  it('when 50 increments of one document run at once, then none is lost, and no caller sees the engine’s revision field', async () => {
    await Promise.all(
      Array.from({ length: 50 }, () => rows().updateOne({ key: 'k49999' }, { $inc: { n: 1 } })),
    );
    const stored = await rows().findOne({ key: 'k49999' }).lean();
    expect(stored?.n).toBe(50);
    expect(Object.keys(stored ?? {}).sort()).toEqual(['_id', 'holder', 'key', 'n', 'owner']);
    const [grouped] = await rows().aggregate<{ total: number }>([
      { $match: { owner: 'o1999' } },
      { $group: { _id: null, total: { $sum: '$n' } } },
    ]);
    expect(grouped?.total).toBe(50);
  });

  it('when eight upserts of one new key race, then one document holds all eight increments', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        rows().updateOne(
          { key: 'fresh' },
          { $inc: { n: 1 }, $setOnInsert: { owner: 'o-new' } },
          { upsert: true },
        ),
      ),
    );
    const stored = await rows().find({ key: 'fresh' }).lean();
    expect(stored.map((row) => row.n)).toEqual([8]);
  });

  it('when a plain driver read returns documents, then they carry only their own fields', async () => {
    const document = await database().connection.db!.collection('engine_rows').findOne({ key: 'k1' });
    expect(document && Object.keys(document).sort()).toEqual(['_id', 'holder', 'key', 'n', 'owner']);
  });
});
