import mongoose, { type Model, type Schema } from 'mongoose';

/**
 * `record` as `model` stores it: cast, with its defaults and timestamps, validated (throws a
 * ValidationError), exactly what saving a mongoose document of it would write. It is worked
 * on as a plain object: building a document costs several times more, on every message.
 */
export async function castForInsert<T>(model: Model<T>, record: object): Promise<Record<string, unknown>> {
  const withDefaults = model.applyDefaults(copyPlain(record) as T) as Record<string, unknown>;
  const cast = castPlain(model, withDefaults);
  withPlainArrays(cast);
  await validateCast(model.schema, cast);
  keepNulls(cast, withDefaults, model.schema);
  stampNew(model.schema, cast);
  return cast;
}

/** A model, or the constructor of a subdocument: what `Model.castObject` casts for. */
interface Caster {
  schema: Schema;
}

/** A schema path as this module looks at it (public in mongoose, missing from its types). */
interface PathType {
  validators: unknown[];
  $isMongooseArray?: boolean;
  $isMongooseDocumentArray?: boolean;
  $isSingleNested?: boolean;
  /** Arrays of subdocuments: the subdocument's constructor and schema. */
  Constructor?: Caster;
  schema?: Schema;
  doValidate(value: unknown, scope: unknown, options: { path: string }): Promise<void>;
}

const castObject = mongoose.Model.castObject as (this: Caster, record: object) => Record<string, unknown>;
const validateOwnRules = (mongoose.SchemaType.prototype as unknown as PathType).doValidate;

const documentArraysOf = perSchema((schema) =>
  Object.entries(schema.paths as Record<string, unknown>).filter(
    (entry): entry is [string, PathType & Required<Pick<PathType, 'Constructor' | 'schema'>>] =>
      (entry[1] as PathType).$isMongooseDocumentArray === true,
  ),
);

/** Paths with anything to check: rules of their own, or items or a subdocument that may have some. */
const validatedPathsOf = perSchema(
  (schema) =>
    Object.entries(schema.paths as Record<string, unknown>).filter(([, type]) => {
      const path = type as PathType;
      return path.validators.length > 0 || path.$isMongooseArray === true || path.$isSingleNested === true;
    }) as Array<[string, PathType]>,
);

/** `compute` of a schema, worked out once per schema. */
function perSchema<T>(compute: (schema: Schema) => T): (schema: Schema) => T {
  const known = new WeakMap<Schema, T>();
  return (schema) => {
    let value = known.get(schema);
    if (value === undefined) known.set(schema, (value = compute(schema)));
    return value;
  };
}

/**
 * `Model.castObject`, with arrays of subdocuments cast item by item: given the whole array,
 * it first builds a document array of subdocuments, then overwrites each with its plain cast.
 */
function castPlain(caster: Caster, record: Record<string, unknown>): Record<string, unknown> {
  const arrays = documentArraysOf(caster.schema).filter(([path]) => Array.isArray(valueAt(record, path)));
  if (arrays.length === 0) return castObject.call(caster, record);
  let failed: mongoose.Error.ValidationError | undefined;
  const castArrays = arrays.map(([path, type]) =>
    (valueAt(record, path) as unknown[]).map((item, i) => {
      if (!isPlainObject(item)) return item;
      try {
        return castPlain(type.Constructor, item);
      } catch (error) {
        (failed ??= new mongoose.Error.ValidationError()).addError(
          `${path}.${i}`,
          error as mongoose.Error.ValidatorError,
        );
        return item;
      }
    }),
  );
  let rest = record;
  for (const [path] of arrays) rest = withoutPath(rest, path.split('.'));
  let cast: Record<string, unknown>;
  try {
    cast = castObject.call(caster, rest);
  } catch (error) {
    if (failed && error instanceof mongoose.Error.ValidationError)
      for (const [path, itemError] of Object.entries(failed.errors)) error.addError(path, itemError);
    throw error;
  }
  if (failed) throw failed;
  arrays.forEach(([path], i) => setAt(cast, path.split('.'), castArrays[i]));
  return cast;
}

/** A copy of `record` without the value at `pieces`, copying only the objects on the way there. */
function withoutPath(record: Record<string, unknown>, pieces: string[]): Record<string, unknown> {
  const [head, ...tail] = pieces as [string, ...string[]];
  const inner = record[head];
  if (tail.length > 0 && !isPlainObject(inner)) return record;
  return {
    ...record,
    [head]: tail.length === 0 ? undefined : withoutPath(inner as Record<string, unknown>, tail),
  };
}

/** Sets the value at `pieces`, making the objects on the way there as casting makes them. */
function setAt(record: Record<string, unknown>, pieces: string[], value: unknown): void {
  const [head, ...tail] = pieces as [string, ...string[]];
  if (tail.length === 0) {
    record[head] = value;
    return;
  }
  if (!isPlainObject(record[head])) record[head] = {};
  setAt(record[head] as Record<string, unknown>, tail, value);
}

/**
 * Runs the validators of every path on an object cast already (`Model.validate` would cast it
 * again); all failures in one ValidationError, as a document's `validate()` throws.
 */
async function validateCast(schema: Schema, cast: Record<string, unknown>): Promise<void> {
  const failed = new mongoose.Error.ValidationError();
  await validateUnder(schema, cast, '', failed);
  if (Object.keys(failed.errors).length > 0) throw failed;
}

async function validateUnder(
  schema: Schema,
  record: Record<string, unknown>,
  prefix: string,
  failed: mongoose.Error.ValidationError,
): Promise<void> {
  await Promise.all(
    validatedPathsOf(schema).map(async ([path, type]) => {
      const value = valueAt(record, path);
      const fullPath = prefix + path;
      try {
        if (type.$isMongooseDocumentArray && Array.isArray(value) && type.schema) {
          // The array's own rules, then each item's: mongoose would make each item a subdocument.
          await validateOwnRules.call(type, value, record, { path: fullPath });
          const itemSchema = type.schema;
          await Promise.all(
            value.map((item, i) =>
              isPlainObject(item) ? validateUnder(itemSchema, item, `${fullPath}.${i}.`, failed) : undefined,
            ),
          );
        } else {
          // Validating an array may turn its items into documents: give it a copy.
          await type.doValidate(Array.isArray(value) ? [...(value as unknown[])] : value, record, {
            path: fullPath,
          });
        }
      } catch (error) {
        failed.addError(fullPath, error as mongoose.Error.ValidatorError);
      }
    }),
  );
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
 * Casting returns mongoose's own arrays for arrays of values (`[String]`: they cast what is
 * pushed onto them, and know their parent); the record is plain data, so they become plain
 * arrays. Arrays of subdocuments are plain already (`castPlain` builds them).
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
