import type { Connection, Model, Schema } from 'mongoose';
import { castForInsert } from './cast-for-insert';
import { insertBatched } from './insert-batches';

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
 * Inserts `records` unordered, in one round trip shared with other inserts into the same
 * collection made at the same time (see `insertBatched`), and says for each whether it went
 * in (false: a unique key was taken already). Mongoose applies defaults and validates first,
 * so a record that fails validation fails this call only; any error but a duplicate key is
 * thrown (some records may then be in: every caller's next pass or retry copes, as it must
 * after a crash). On the embedded engine one insert of 50 documents costs the database
 * about as much CPU as 7 single ones.
 */
export async function insertEach<T>(model: Model<T>, records: readonly object[]): Promise<boolean[]> {
  if (records.length === 0) return [];
  return insertBatched(model, await Promise.all(records.map((record) => castForInsert(model, record))));
}
