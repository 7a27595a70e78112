import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * Sign-in history for the history-aware rules (issue 15), additive: two tables
 * kept by triggers on `events`, so no page writer changes.
 *
 * - `sign_ins`: one narrow row per stored sign-in (a `Zoom.Activity` event whose
 *   `type` is `Sign in`): the user (e-mail trimmed, lower-cased), time, IP and,
 *   for a public address the enrichment located (`p_enrichment.ip_location.ip_address`
 *   with `kind` `public`), country, ASN, point and accuracy radius. Indexed for
 *   the questions the rules ask as of an event's time: the user's previous
 *   sign-in, whether a country or ASN was seen in a look-back, the user's
 *   sign-ins in a window, the users of an IP in a window.
 * - `history_pending`: the durable queue of events the history rules have not
 *   evaluated yet (sign-ins; account and user-group operations), with their day:
 *   an event waits there until the days its rules rely on are proven complete.
 *
 * Both were filled by an AFTER INSERT trigger on `events` (an insert skipped for
 * an existing row id fires nothing; migration 015 moved that into the page
 * writers) and are emptied of deleted events by an AFTER
 * DELETE trigger (retention, source removal). Existing sign-ins are copied into
 * `sign_ins` but NOT queued: they went through detection before this migration
 * (`zoomtrail rules replay` shows what the history rules say about them).
 */
export const signInHistoryMigration: Migration = {
  async up(db): Promise<void> {
    const postgres = isPostgres(db);
    await sql`CREATE TABLE sign_ins (
        row_id text PRIMARY KEY,
        source_id text NOT NULL,
        user_key text NOT NULL,
        event_time_ms bigint NOT NULL,
        ip text,
        country text,
        asn bigint,
        lat double precision,
        lng double precision,
        accuracy_km double precision
      )`.execute(db);
    await sql`CREATE INDEX sign_ins_user_time ON sign_ins (source_id, user_key, event_time_ms)`.execute(db);
    await sql`CREATE INDEX sign_ins_user_country_time ON sign_ins (source_id, user_key, country, event_time_ms) WHERE country IS NOT NULL`.execute(db);
    await sql`CREATE INDEX sign_ins_user_asn_time ON sign_ins (source_id, user_key, asn, event_time_ms) WHERE asn IS NOT NULL`.execute(db);
    await sql`CREATE INDEX sign_ins_ip_time ON sign_ins (source_id, ip, event_time_ms) WHERE ip IS NOT NULL`.execute(db);
    await sql`CREATE TABLE history_pending (
        row_id text PRIMARY KEY,
        source_id text NOT NULL,
        log_type text NOT NULL,
        day text NOT NULL,
        event_time_ms bigint NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX history_pending_day ON history_pending (source_id, log_type, day, event_time_ms)`.execute(db);
    if (postgres) await upPostgres(db);
    else await upSqlite(db);
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) {
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_insert ON events`.execute(db);
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_delete ON events`.execute(db);
      await sql`DROP FUNCTION IF EXISTS sign_ins_after_insert()`.execute(db);
      await sql`DROP FUNCTION IF EXISTS sign_ins_after_delete()`.execute(db);
    } else {
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_insert`.execute(db);
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_delete`.execute(db);
    }
    await sql`DROP TABLE IF EXISTS history_pending`.execute(db);
    await sql`DROP TABLE IF EXISTS sign_ins`.execute(db);
  },
};

const SIGN_IN_COLUMNS = 'row_id, source_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km';

/**
 * SQLite: a SELECT of the `sign_ins` values. `row` names the event row in the
 * select list (`new` in a trigger, `e` over the table); `inner` is the innermost
 * SELECT, which must yield `loc` (the address's location) and, over the table, the
 * event's columns; `pub` and `located` are computed around it.
 */
function sqliteSignInSelect(row: string, inner: string, alias = ''): string {
  const e = `${row}.event_json`;
  const kindIsPublic = `coalesce(json_type(loc) = 'object' AND json_type(loc, '$.kind') = 'text' AND json_extract(loc, '$.kind') = 'public', 0)`;
  const hasPoint = `json_type(loc, '$.lat') IN ('integer', 'real') AND json_type(loc, '$.lng') IN ('integer', 'real')`;
  return `SELECT ${row}.row_id, ${row}.source_id,
      CASE WHEN json_type(${e}, '$.email') = 'text' THEN lower(trim(json_extract(${e}, '$.email'))) ELSE '' END,
      ${row}.event_time_ms,
      CASE WHEN json_type(${e}, '$.ip_address') = 'text' THEN nullif(json_extract(${e}, '$.ip_address'), '') END,
      CASE WHEN pub AND json_type(loc, '$.country') = 'text' THEN nullif(upper(json_extract(loc, '$.country')), '') END,
      CASE WHEN pub AND json_type(loc, '$.asn') = 'integer' THEN json_extract(loc, '$.asn') END,
      CASE WHEN located THEN json_extract(loc, '$.lat') END,
      CASE WHEN located THEN json_extract(loc, '$.lng') END,
      CASE WHEN located THEN max(0, CASE WHEN json_type(loc, '$.accuracy_km') IN ('integer', 'real') THEN json_extract(loc, '$.accuracy_km') ELSE 0 END) END
    FROM (SELECT *, pub AND ${hasPoint} AS located FROM (SELECT *, ${kindIsPublic} AS pub FROM (${inner})))${alias}`;
}

const SQLITE_LOCATION_PATH = "'$.p_enrichment.ip_location.ip_address'";

function sqliteIsSignIn(row: string): string {
  return `${row}.log_type = 'Zoom.Activity' AND json_type(${row}.event_json, '$.type') = 'text' AND lower(trim(json_extract(${row}.event_json, '$.type'))) = 'sign in'`;
}

function sqliteIsWatchedOperation(row: string): string {
  return `${row}.log_type = 'Zoom.Operation' AND json_type(${row}.event_json, '$.category_type') = 'text' AND lower(trim(json_extract(${row}.event_json, '$.category_type'))) IN ('account', 'user group')`;
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  const backfillInner = `SELECT e.*, json_extract(e.event_json, ${SQLITE_LOCATION_PATH}) AS loc FROM events e WHERE ${sqliteIsSignIn('e')}`;
  await sql`INSERT OR IGNORE INTO sign_ins (${sql.raw(SIGN_IN_COLUMNS)}) ${sql.raw(sqliteSignInSelect('e', backfillInner, ' e'))}`.execute(db);
  await createSqliteSignInInsertTrigger(db);
  await sql`CREATE TRIGGER sign_ins_after_delete AFTER DELETE ON events
    WHEN old.log_type IN ('Zoom.Activity', 'Zoom.Operation') BEGIN
      DELETE FROM sign_ins WHERE row_id = old.row_id;
      DELETE FROM history_pending WHERE row_id = old.row_id;
    END`.execute(db);
}

/** SQLite: the AFTER INSERT trigger that filled `sign_ins` and `history_pending` until migration 015 (which recreates it on the way down). */
export async function createSqliteSignInInsertTrigger(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TRIGGER sign_ins_after_insert AFTER INSERT ON events
    WHEN (${sql.raw(sqliteIsSignIn('new'))}) OR (${sql.raw(sqliteIsWatchedOperation('new'))}) BEGIN
      INSERT OR IGNORE INTO sign_ins (${sql.raw(SIGN_IN_COLUMNS)}) ${sql.raw(sqliteSignInSelect('new', `SELECT json_extract(new.event_json, ${SQLITE_LOCATION_PATH}) AS loc`))} WHERE new.log_type = 'Zoom.Activity';
      INSERT OR IGNORE INTO history_pending (row_id, source_id, log_type, day, event_time_ms) VALUES (new.row_id, new.source_id, new.log_type, new.day, new.event_time_ms);
    END`.execute(db);
}

/** PostgreSQL: the `sign_ins` values of the event `row` whose parsed JSON is `e` and location `loc`. */
function postgresSignInValues(row: string, e: string, loc: string): string {
  const pub = `coalesce(jsonb_typeof(${loc}) = 'object' AND ${loc} ->> 'kind' = 'public', false)`;
  const located = `(${pub} AND jsonb_typeof(${loc} -> 'lat') = 'number' AND jsonb_typeof(${loc} -> 'lng') = 'number')`;
  return `${row}.row_id, ${row}.source_id,
      CASE WHEN jsonb_typeof(${e} -> 'email') = 'string' THEN lower(btrim(${e} ->> 'email')) ELSE '' END,
      ${row}.event_time_ms,
      CASE WHEN jsonb_typeof(${e} -> 'ip_address') = 'string' THEN nullif(${e} ->> 'ip_address', '') END,
      CASE WHEN ${pub} AND jsonb_typeof(${loc} -> 'country') = 'string' THEN nullif(upper(${loc} ->> 'country'), '') END,
      CASE WHEN ${pub} AND jsonb_typeof(${loc} -> 'asn') = 'number' AND (${loc} ->> 'asn') ~ '^-?[0-9]{1,18}$' THEN (${loc} ->> 'asn')::bigint END,
      CASE WHEN ${located} THEN (${loc} ->> 'lat')::double precision END,
      CASE WHEN ${located} THEN (${loc} ->> 'lng')::double precision END,
      CASE WHEN ${located} THEN greatest(0, CASE WHEN jsonb_typeof(${loc} -> 'accuracy_km') = 'number' THEN (${loc} ->> 'accuracy_km')::double precision ELSE 0 END) END`;
}

const POSTGRES_IS_SIGN_IN = (e: string) => `jsonb_typeof(${e} -> 'type') = 'string' AND lower(btrim(${e} ->> 'type')) = 'sign in'`;

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  const loc = `(x.e #> '{p_enrichment,ip_location,ip_address}')`;
  await sql`INSERT INTO sign_ins (${sql.raw(SIGN_IN_COLUMNS)})
    SELECT ${sql.raw(postgresSignInValues('ev', 'x.e', loc))}
    FROM events ev CROSS JOIN LATERAL (SELECT ev.event_json::jsonb AS e) x
    WHERE ev.log_type = 'Zoom.Activity' AND ${sql.raw(POSTGRES_IS_SIGN_IN('x.e'))}
    ON CONFLICT DO NOTHING`.execute(db);
  await createPostgresSignInInsertTrigger(db);
  // Statement-level: one delete per purge batch.
  await sql`CREATE FUNCTION sign_ins_after_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      DELETE FROM sign_ins WHERE row_id IN (SELECT row_id FROM deleted_sign_in_events);
      DELETE FROM history_pending WHERE row_id IN (SELECT row_id FROM deleted_sign_in_events);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sign_ins_after_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS deleted_sign_in_events FOR EACH STATEMENT EXECUTE FUNCTION sign_ins_after_delete()`.execute(db);
  await sql`ANALYZE sign_ins`.execute(db);
}

/** PostgreSQL: the row trigger that filled `sign_ins` and `history_pending` until migration 015 (which recreates it on the way down). */
export async function createPostgresSignInInsertTrigger(db: Kysely<unknown>): Promise<void> {
  const newLoc = `(e #> '{p_enrichment,ip_location,ip_address}')`;
  await sql`CREATE FUNCTION sign_ins_after_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    DECLARE e jsonb;
    BEGIN
      IF NEW.log_type = 'Zoom.Activity' THEN
        e := NEW.event_json::jsonb;
        IF ${sql.raw(POSTGRES_IS_SIGN_IN('e'))} THEN
          INSERT INTO sign_ins (${sql.raw(SIGN_IN_COLUMNS)}) SELECT ${sql.raw(postgresSignInValues('NEW', 'e', newLoc))} ON CONFLICT DO NOTHING;
          INSERT INTO history_pending (row_id, source_id, log_type, day, event_time_ms) VALUES (NEW.row_id, NEW.source_id, NEW.log_type, NEW.day, NEW.event_time_ms) ON CONFLICT DO NOTHING;
        END IF;
      ELSIF NEW.log_type = 'Zoom.Operation' THEN
        e := NEW.event_json::jsonb;
        IF jsonb_typeof(e -> 'category_type') = 'string' AND lower(btrim(e ->> 'category_type')) IN ('account', 'user group') THEN
          INSERT INTO history_pending (row_id, source_id, log_type, day, event_time_ms) VALUES (NEW.row_id, NEW.source_id, NEW.log_type, NEW.day, NEW.event_time_ms) ON CONFLICT DO NOTHING;
        END IF;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sign_ins_after_insert AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION sign_ins_after_insert()`.execute(db);
}
