import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { INTERNAL_SOURCE_ID } from '../domain/internal-source.js';
import type { Clock } from '../shared/clock.js';
import type { SecretBox } from './secret-box.js';
import { newSourceId } from './source-id.js';
import { UnknownSourceError } from './store-errors.js';
import type { AuthKind, NewSource, QuietSchedule, SourceCredentials, SourcePatch, SourceRecord, SourceSettings } from './store.js';
import type { SourcesTable, StoreTables } from './store-tables.js';

type SourceRow = Selectable<SourcesTable>;

/**
 * The `sources` table through Kysely (dialect-neutral, shared by the SQLite and
 * PostgreSQL stores). Credentials are sealed with the SecretBox on the way in
 * and only `getCredentials` opens them; records carry `hasClientSecret` /
 * `hasRefreshToken` instead.
 */
export class SourceRepository {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async create(input: NewSource): Promise<SourceRecord> {
    const id = newSourceId();
    const now = this.clock.now();
    const row = await this.db
      .insertInto('sources')
      .values({
        id,
        ...settingsColumns(input),
        client_secret_sealed: this.box.seal(input.credentials.clientSecret, secretContext(id, 'client_secret')),
        refresh_token_sealed: input.credentials.refreshToken === undefined ? null : this.box.seal(input.credentials.refreshToken, secretContext(id, 'refresh_token')),
        created_at: now,
        updated_at: now,
      } as Insertable<SourcesTable>)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSourceRecord(row);
  }

  async update(id: string, patch: SourcePatch): Promise<SourceRecord> {
    const row = await this.db
      .updateTable('sources')
      .set({ ...settingsColumns(patch), updated_at: this.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new UnknownSourceError(id);
    return toSourceRecord(row);
  }

  async get(id: string): Promise<SourceRecord | undefined> {
    const row = await this.db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSourceRecord(row);
  }

  /** Every Zoom source; not the internal one (src/domain/internal-source.ts). */
  async list(): Promise<SourceRecord[]> {
    const rows = await this.db.selectFrom('sources').selectAll().where('id', '<>', INTERNAL_SOURCE_ID).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSourceRecord);
  }

  async getCredentials(id: string): Promise<SourceCredentials> {
    const row = await this.db.selectFrom('sources').select(['client_secret_sealed', 'refresh_token_sealed']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new UnknownSourceError(id);
    const credentials: SourceCredentials = { clientSecret: this.box.open(row.client_secret_sealed, secretContext(id, 'client_secret')) };
    if (row.refresh_token_sealed !== null) {
      credentials.refreshToken = this.box.open(row.refresh_token_sealed, secretContext(id, 'refresh_token'));
    }
    return credentials;
  }

  async setCredentials(id: string, credentials: Partial<SourceCredentials>): Promise<void> {
    const set: Updateable<SourcesTable> = { updated_at: this.clock.now() };
    if (credentials.clientSecret !== undefined) {
      set.client_secret_sealed = this.box.seal(credentials.clientSecret, secretContext(id, 'client_secret'));
    }
    if (credentials.refreshToken !== undefined) {
      set.refresh_token_sealed = this.box.seal(credentials.refreshToken, secretContext(id, 'refresh_token'));
    }
    const result = await this.db.updateTable('sources').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new UnknownSourceError(id);
  }
}

/** Associated data binding a sealed credential to its source and column. */
function secretContext(sourceId: string, column: 'client_secret' | 'refresh_token'): string {
  return `sources/${sourceId}/${column}`;
}

/** The columns of the settings present in `settings` (absent keys left out, so a patch changes only what it names). */
function settingsColumns(settings: Partial<SourceSettings>): Updateable<SourcesTable> {
  const columns: Updateable<SourcesTable> = {};
  if (settings.name !== undefined) columns.name = settings.name;
  if (settings.authKind !== undefined) columns.auth_kind = settings.authKind;
  if (settings.zoomAccountId !== undefined) columns.zoom_account_id = settings.zoomAccountId;
  if (settings.clientId !== undefined) columns.client_id = settings.clientId;
  if (settings.apiUrl !== undefined) columns.api_url = settings.apiUrl;
  if (settings.oauthUrl !== undefined) columns.oauth_url = settings.oauthUrl;
  if (settings.backfillDays !== undefined) columns.backfill_days = settings.backfillDays;
  if (settings.pollIntervalMs !== undefined) columns.poll_interval_ms = settings.pollIntervalMs;
  if (settings.settleDays !== undefined) columns.settle_days = settings.settleDays;
  if (settings.reconcileIntervalMs !== undefined) columns.reconcile_interval_ms = settings.reconcileIntervalMs;
  if (settings.requestsPerSecond !== undefined) columns.requests_per_second = settings.requestsPerSecond;
  if (settings.requestsPerDay !== undefined) columns.requests_per_day = settings.requestsPerDay;
  if (settings.paused !== undefined) columns.paused = settings.paused ? 1 : 0;
  if (settings.dropOffAlarmMinutes !== undefined) columns.drop_off_alarm_minutes = settings.dropOffAlarmMinutes;
  if (settings.setupFinished !== undefined) columns.setup_finished = settings.setupFinished ? 1 : 0;
  if (settings.quietSchedule !== undefined) columns.quiet_schedule_json = settings.quietSchedule === null ? null : JSON.stringify(settings.quietSchedule);
  return columns;
}

function toSourceRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    name: row.name,
    authKind: row.auth_kind as AuthKind,
    zoomAccountId: row.zoom_account_id,
    clientId: row.client_id,
    apiUrl: row.api_url,
    oauthUrl: row.oauth_url,
    backfillDays: Number(row.backfill_days),
    pollIntervalMs: Number(row.poll_interval_ms),
    settleDays: Number(row.settle_days),
    reconcileIntervalMs: Number(row.reconcile_interval_ms),
    requestsPerSecond: Number(row.requests_per_second),
    requestsPerDay: Number(row.requests_per_day),
    paused: Number(row.paused) !== 0,
    dropOffAlarmMinutes: row.drop_off_alarm_minutes === null || row.drop_off_alarm_minutes === undefined ? null : Number(row.drop_off_alarm_minutes),
    quietSchedule: row.quiet_schedule_json ? (JSON.parse(row.quiet_schedule_json) as QuietSchedule) : null,
    setupFinished: row.setup_finished === undefined || Number(row.setup_finished) !== 0,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    hasClientSecret: row.client_secret_sealed !== null && row.client_secret_sealed !== '',
    hasRefreshToken: row.refresh_token_sealed !== null,
  };
}
