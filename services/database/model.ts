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
