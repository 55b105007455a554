/**
 * SQL that the engine runner installs in the embedded engine's PostgreSQL database, so that
 * FerretDB's PostgreSQL handler serves MongoDB's semantics at MongoDB-like cost. FerretDB keeps
 * each collection in a table `<schema>.<name>_<hash>` with one `_jsonb` column and records the
 * collection's indexes in `<schema>._ferretdb_database_metadata`. Nothing in the domain knows
 * any of this. docs/architecture.md ("The embedded engine") explains both parts.
 */

/** The schema holding ownerbot's engine functions; FerretDB ignores schemas without its metadata table. */
export const ENGINE_SCHEMA = 'ownerbot_engine';

/** The document field in which the engine keeps each document's write count. */
export const REVISION_FIELD = '_rev';

/** Raised (SQLSTATE 40001) when a write was computed from a document that changed since it was read. */
export const WRITE_CONFLICT_MARKER = 'ownerbot_write_conflict';

/**
 * 1. GIN indexes. FerretDB sends an equality filter on a top-level field as
 * `_jsonb->'field' @> value`, which its own btree index on `(_jsonb->'field')` cannot serve.
 * For every btree index FerretDB creates, a GIN index on each top-level key expression is
 * created in the same statement by an event trigger; `ensure_all_gin_indexes()` covers indexes
 * that existed before. Filters on nested fields (dot notation) are not sent to PostgreSQL at
 * all, so they get none.
 */
const GIN_INDEXES = `
CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.is_collection_table(tbl regclass) RETURNS boolean
LANGUAGE sql STABLE AS $fn$
  SELECT EXISTS (
    SELECT 1 FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class meta ON meta.relnamespace = n.oid AND meta.relname = '_ferretdb_database_metadata'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped
    WHERE c.oid = tbl AND c.relkind = 'r' AND c.relname <> '_ferretdb_database_metadata'
  )
$fn$;

CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.ensure_gin_indexes(btree oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  tbl regclass;
  key_count int;
  path text[];
  expression text;
BEGIN
  SELECT i.indrelid, i.indnkeyatts INTO tbl, key_count
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
    WHERE i.indexrelid = btree AND am.amname = 'btree';
  IF tbl IS NULL OR NOT ${ENGINE_SCHEMA}.is_collection_table(tbl) THEN
    RETURN;
  END IF;
  FOR k IN 1..key_count LOOP
    SELECT array_agg(replace(m[1], '''''', '''')) INTO path
      FROM regexp_matches(pg_get_indexdef(btree, k, false), '''((?:[^'']|'''')*)''::text', 'g') AS m;
    CONTINUE WHEN path IS NULL OR array_length(path, 1) <> 1;
    expression := format('(_jsonb -> %L)', path[1]);
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s)',
      left((SELECT relname FROM pg_class WHERE oid = tbl), 40) || '_' || left(md5(expression), 10) || '_gin',
      tbl, expression);
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.ensure_all_gin_indexes() RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  btree oid;
BEGIN
  FOR btree IN
    SELECT i.indexrelid FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE am.amname = 'btree' AND ${ENGINE_SCHEMA}.is_collection_table(i.indrelid)
  LOOP
    PERFORM ${ENGINE_SCHEMA}.ensure_gin_indexes(btree);
  END LOOP;
END
$fn$;
`;

/**
 * 2. Single-document atomicity. FerretDB runs an update as "read the matching document, apply
 * the operators, write the whole document back by _id", so two writers can both act on the
 * same version (two instances claiming one lease, a lost $inc). Every document carries a
 * write count that a row trigger keeps: a write whose count is not the stored one was
 * computed from an older version, and is refused with a write conflict. The connection
 * retries such a write, which then reads the current document, as MongoDB does internally.
 */
const REVISIONS = `
CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.with_revision(doc jsonb, revision bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE
    WHEN doc->'$s'->'$k' @> '["${REVISION_FIELD}"]' THEN jsonb_set(doc, '{${REVISION_FIELD}}', to_jsonb(revision))
    ELSE jsonb_set(
      jsonb_set(jsonb_set(doc, '{${REVISION_FIELD}}', to_jsonb(revision)), '{$s,p,${REVISION_FIELD}}', '{"t":"long"}'),
      '{$s,$k}', coalesce(doc->'$s'->'$k', '[]'::jsonb) || '["${REVISION_FIELD}"]')
  END
$fn$;

CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.stamp_revision() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  stored bigint;
  read_from bigint;
BEGIN
  IF NEW._jsonb->'$s' IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    stored := (OLD._jsonb->>'${REVISION_FIELD}')::bigint;
    read_from := (NEW._jsonb->>'${REVISION_FIELD}')::bigint;
    IF stored IS NOT NULL AND read_from IS NOT NULL AND read_from <> stored THEN
      RAISE EXCEPTION '${WRITE_CONFLICT_MARKER}: the document changed after it was read'
        USING ERRCODE = '40001';
    END IF;
    NEW._jsonb := ${ENGINE_SCHEMA}.with_revision(NEW._jsonb, coalesce(stored, 0) + 1);
  ELSE
    NEW._jsonb := ${ENGINE_SCHEMA}.with_revision(NEW._jsonb, 1);
  END IF;
  RETURN NEW;
END
$fn$;

CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.guard_table(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF ${ENGINE_SCHEMA}.is_collection_table(tbl) AND NOT EXISTS (
    SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'ownerbot_revision'
  ) THEN
    EXECUTE format(
      'CREATE TRIGGER ownerbot_revision BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION ${ENGINE_SCHEMA}.stamp_revision()',
      tbl);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.guard_all_tables() RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  tbl regclass;
BEGIN
  FOR tbl IN SELECT c.oid FROM pg_class c WHERE c.relkind = 'r' AND ${ENGINE_SCHEMA}.is_collection_table(c.oid) LOOP
    PERFORM ${ENGINE_SCHEMA}.guard_table(tbl);
  END LOOP;
END
$fn$;
`;

/** The event trigger that applies both parts to tables and indexes FerretDB creates later. */
const EVENT_TRIGGER = `
CREATE OR REPLACE FUNCTION ${ENGINE_SCHEMA}.on_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    IF command.command_tag = 'CREATE TABLE' AND command.object_type = 'table' THEN
      PERFORM ${ENGINE_SCHEMA}.guard_table(command.objid::regclass);
    ELSIF command.command_tag = 'CREATE INDEX' AND command.object_type = 'index' THEN
      PERFORM ${ENGINE_SCHEMA}.ensure_gin_indexes(command.objid);
    END IF;
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS ownerbot_on_ddl;
CREATE EVENT TRIGGER ownerbot_on_ddl ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'CREATE INDEX')
  EXECUTE FUNCTION ${ENGINE_SCHEMA}.on_ddl();
`;

/** Installs (or updates) everything above and applies it to what exists already; idempotent. */
export const ENGINE_SETUP_SQL = `
CREATE SCHEMA IF NOT EXISTS ${ENGINE_SCHEMA};
${GIN_INDEXES}
${REVISIONS}
${EVENT_TRIGGER}
SELECT ${ENGINE_SCHEMA}.guard_all_tables();
SELECT ${ENGINE_SCHEMA}.ensure_all_gin_indexes();
`;
