import mongoose, { type Connection, type Model, type Schema } from 'mongoose';
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

/**
 * `record` as `model` stores it: cast, with its defaults and timestamps, validated (throws a
 * ValidationError), exactly what saving a mongoose document of it would write. It is worked
 * on as a plain object: building a document costs several times more, on every message.
 */
export async function castForInsert<T>(model: Model<T>, record: object): Promise<Record<string, unknown>> {
  const withDefaults = model.applyDefaults(copyPlain(record) as T) as Record<string, unknown>;
  const cast = model.castObject(withDefaults) as Record<string, unknown>;
  withPlainArrays(cast);
  await validateCast(model.schema, cast);
  keepNulls(cast, withDefaults, model.schema);
  stampNew(model.schema, cast);
  return cast;
}

/** A schema path's validators (public in mongoose, missing from its types). */
interface Validated {
  doValidate(value: unknown, scope: unknown, options: { path: string }): Promise<void>;
}

/**
 * Runs every path's validators on an object cast already (`Model.validate` would cast it
 * again); all failures in one ValidationError, as a document's `validate()` throws.
 */
async function validateCast(schema: Schema, cast: Record<string, unknown>): Promise<void> {
  let failed: mongoose.Error.ValidationError | undefined;
  await Promise.all(
    Object.entries(schema.paths).map(async ([path, type]) => {
      let value = valueAt(cast, path);
      // Validating an array of subdocuments turns its items into documents: give it a copy.
      if (Array.isArray(value)) value = [...(value as unknown[])];
      try {
        await (type as unknown as Validated).doValidate(value, cast, { path });
      } catch (error) {
        (failed ??= new mongoose.Error.ValidationError()).addError(
          path,
          error as mongoose.Error.ValidatorError,
        );
      }
    }),
  );
  if (failed) throw failed;
}

/** The value at a dotted path of plain objects. */
function valueAt(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/** A copy of the plain objects and arrays in `value` (defaults are filled in place); dates, ids and buffers shared. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = copyPlain(item);
  return copy;
}

/**
 * Casting returns mongoose's own arrays for arrays of subdocuments (they cast what is pushed
 * onto them, and know their parent); the record is plain data, so they become plain arrays.
 */
function withPlainArrays(record: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    if (Array.isArray(value)) {
      record[key] = Array.from(value as unknown[], (item) => {
        if (isPlainObject(item)) withPlainArrays(item);
        return item;
      });
    } else if (isPlainObject(value)) withPlainArrays(value);
  }
}

/**
 * Casting leaves out null values; a document keeps those of its schema's fields (a
 * `default: null`, an explicit null), and drops the rest as it drops any unknown field.
 */
function keepNulls(cast: Record<string, unknown>, source: Record<string, unknown>, schema: Schema): void {
  keepNullsUnder(cast, source, schema, '');
}

function keepNullsUnder(
  cast: Record<string, unknown>,
  source: Record<string, unknown>,
  schema: Schema,
  prefix: string,
): void {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix + key;
    const there = cast[key];
    if (value === null) {
      if (there === undefined && schema.pathType(path) !== 'adhocOrUndefined') cast[key] = null;
    } else if (isPlainObject(value) && isPlainObject(there)) {
      keepNullsUnder(there, value, schema, `${path}.`);
    } else if (Array.isArray(value) && Array.isArray(there)) {
      // Items of an array of subdocuments follow the subdocument's own schema.
      const itemSchema = (schema.path(path) as { schema?: Schema } | undefined)?.schema;
      if (!itemSchema) continue;
      value.forEach((item, i) => {
        if (isPlainObject(item) && isPlainObject(there[i])) keepNullsUnder(there[i], item, itemSchema, '');
      });
    }
  }
}

type TimestampNames = { createdAt?: string | boolean; updatedAt?: string | boolean };

/** `createdAt`/`updatedAt` on a schema with timestamps, unless given (as a new document gets them). */
function stampNew(schema: Schema, record: Record<string, unknown>): void {
  const option = schema.get('timestamps') as boolean | TimestampNames | undefined;
  if (!option) return;
  const named = option === true ? {} : option;
  const now = new Date();
  for (const [field, fallback] of [
    [named.createdAt, 'createdAt'],
    [named.updatedAt, 'updatedAt'],
  ] as const) {
    const name = field === undefined || field === true ? fallback : field;
    if (name && record[name] == null) record[name] = now;
  }
}
