import type { Connection, Model, Schema } from 'mongoose';

/**
 * The model `name` on this connection, registered on first use. Every service asks for its
 * models per connection (tests open one database per file), so this runs many times per
 * model and must return the already-registered one.
 */
export function modelOn<T>(
  connection: Connection,
  name: string,
  schema: Schema<T>,
  collection: string,
): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema, collection);
}

/**
 * Inserts `records` in one round trip, unordered, and says for each whether it went in
 * (false: a unique key was taken already). Mongoose applies defaults and validates first;
 * any error but a duplicate key is thrown (some records may then be in: every caller's
 * next pass or retry copes, as it must after a crash). On the embedded engine one bulk
 * insert of 500 small documents takes about as long as 20 single ones.
 */
export async function insertEach<T>(model: Model<T>, records: readonly object[]): Promise<boolean[]> {
  if (records.length === 0) return [];
  const documents = await Promise.all(
    records.map(async (record) => {
      const document = new model(record);
      await document.validate();
      return document.toObject({ versionKey: false }) as Record<string, unknown>;
    }),
  );
  try {
    // The driver's insert: the documents are cast already; string `_id`s are ours.
    await model.collection.insertMany(documents as never[], { ordered: false });
    return documents.map(() => true);
  } catch (error) {
    const reported = (error as { writeErrors?: unknown }).writeErrors;
    const writeErrors = (Array.isArray(reported) ? reported : reported ? [reported] : []) as Array<{
      index: number;
      code: unknown;
    }>;
    if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== 11000)) throw error;
    const inserted = documents.map(() => true);
    for (const writeError of writeErrors) inserted[writeError.index] = false;
    return inserted;
  }
}
