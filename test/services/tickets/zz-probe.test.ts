import mongoose from 'mongoose';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

it('probe', async () => {
  const db = database().connection.db!;
  const col = db.collection('probe');
  const report: Record<string, unknown> = {};
  // 1. conditional claim
  let doubles = 0;
  for (let round = 0; round < 30; round++) {
    const { insertedId } = await col.insertOne({ status: 'new', history: [] });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        col.findOneAndUpdate(
          { _id: insertedId, status: 'new' },
          { $set: { status: 'claimed', who: i }, $push: { history: i } as never },
          { returnDocument: 'after' },
        ),
      ),
    );
    const wins = results.filter((r) => r !== null).length;
    const doc = await col.findOne({ _id: insertedId });
    if (wins > 1 || (doc?.history as unknown[]).length > 1) doubles++;
  }
  report.claimDoubles = doubles;
  // 1b. updateOne conditional
  let doublesU = 0;
  for (let round = 0; round < 30; round++) {
    const { insertedId } = await col.insertOne({ status: 'new', history: [] });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        col.updateOne({ _id: insertedId, status: 'new' }, { $set: { status: 'claimed' }, $push: { history: i } as never }),
      ),
    );
    const wins = results.filter((r) => r.modifiedCount === 1).length;
    const doc = await col.findOne({ _id: insertedId });
    if (wins > 1 || (doc?.history as unknown[]).length > 1) doublesU++;
  }
  report.updateOneDoubles = doublesU;
  // 2. $ne guard on array subfield, sequential
  const { insertedId: t } = await col.insertOne({ messages: [{ key: 'a' }] });
  const r1 = await col.updateOne({ _id: t, 'messages.key': { $ne: 'a' } }, { $push: { messages: { key: 'a' } } as never });
  const r2 = await col.updateOne({ _id: t, 'messages.key': { $ne: 'b' } }, { $push: { messages: { key: 'b' } } as never });
  report.neGuard = { dupMatched: r1.matchedCount, newMatched: r2.matchedCount, doc: await col.findOne({ _id: t }) };
  // 2b. concurrent guarded push
  let pushDoubles = 0;
  for (let round = 0; round < 30; round++) {
    const { insertedId } = await col.insertOne({ messages: [] });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        col.updateOne({ _id: insertedId, 'messages.key': { $ne: 'x' } }, { $push: { messages: { key: 'x' } } as never }),
      ),
    );
    const doc = await col.findOne({ _id: insertedId });
    if ((doc?.messages as unknown[]).length > 1) pushDoubles++;
  }
  report.guardedPushDoubles = pushDoubles;
  // 3. $inc counter
  const counters = db.collection('probe_counters');
  const values = await Promise.all(
    Array.from({ length: 50 }, () =>
      counters.findOneAndUpdate({ _id: 'k' as never }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' }).catch((e: Error) => ({ error: e.message })),
    ),
  );
  const nums = values.map((v) => (v && 'value' in v ? v.value : JSON.stringify(v)));
  report.counter = { distinct: new Set(nums).size, final: (await counters.findOne({ _id: 'k' as never }))?.value, errors: nums.filter((n) => typeof n === 'string').length };
  // 3b. $inc updateOne after exists
  await Promise.all(Array.from({ length: 50 }, () => counters.updateOne({ _id: 'k' as never }, { $inc: { value: 1 } })));
  report.counterAfter50more = (await counters.findOne({ _id: 'k' as never }))?.value;
  console.log(JSON.stringify(report, null, 1));
  void mongoose;
});
