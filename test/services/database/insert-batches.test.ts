import { Schema } from 'mongoose';
import { insertEach, modelOn } from '../../../services/database/model';
import { trusted } from '../../../services/database/connect';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

interface Row {
  _id: string;
  key: string;
  size: number;
}

const rowSchema = new Schema<Row>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    size: { type: Number, required: true, min: 0 },
  },
  { versionKey: false },
);

function rows() {
  return modelOn<Row>(database().connection, 'BatchedRow', rowSchema, 'batched_rows');
}

/** Counts the inserts sent to the database while `work` runs. */
async function insertCommandsDuring(work: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(rows().collection, 'insertMany');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('insertEach', () => {
  beforeAll(async () => {
    await rows().init();
  });

  it('when 40 callers insert at once, then their rows share insert commands and each learns its own outcome', async () => {
    const Rows = rows();
    await insertEach(Rows, [{ _id: 'taken-0', key: 'taken', size: 1 }]);
    let outcomes: boolean[][] = [];
    const commands = await insertCommandsDuring(async () => {
      outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          insertEach(Rows, [
            { _id: `row-${i}`, key: `key-${i}`, size: i },
            // Every tenth caller also tries the key taken above.
            ...(i % 10 === 0 ? [{ _id: `dup-${i}`, key: 'taken', size: i }] : []),
          ]),
        ),
      );
    });

    expect(commands).toBeLessThanOrEqual(3);
    outcomes.forEach((outcome, i) => expect(outcome).toEqual(i % 10 === 0 ? [true, false] : [true]));
    expect(await Rows.countDocuments({ _id: trusted({ $regex: '^row-' }) })).toBe(40);
    expect(await Rows.countDocuments({ key: 'taken' })).toBe(1);
  });

  it('when one caller’s row fails validation, then only that caller fails and the others are stored', async () => {
    const Rows = rows();
    const results = await Promise.allSettled([
      insertEach(Rows, [{ _id: 'good-1', key: 'good-1', size: 1 }]),
      insertEach(Rows, [{ _id: 'bad', key: 'bad', size: -5 }]),
      insertEach(Rows, [{ _id: 'good-2', key: 'good-2', size: 2 }]),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'ValidationError' });
    expect(await Rows.countDocuments({ _id: trusted({ $in: ['good-1', 'good-2', 'bad'] }) })).toBe(2);
  });

  it('when the rows outnumber one batch, then they are all stored in several commands', async () => {
    const Rows = rows();
    const many = Array.from({ length: 1200 }, (_, i) => ({ _id: `many-${i}`, key: `many-${i}`, size: i }));
    const commands = await insertCommandsDuring(() =>
      Promise.all([insertEach(Rows, many.slice(0, 600)), insertEach(Rows, many.slice(600))]),
    );

    expect(commands).toBe(2);
    expect(await Rows.countDocuments({ _id: trusted({ $regex: '^many-' }) })).toBe(1200);
  });
});
