import type { Migration } from 'kysely';
import { INTERNAL_SOURCE_ID, INTERNAL_SOURCE_KIND, INTERNAL_SOURCE_NAME } from '../../domain/internal-source.js';

/**
 * The internal source that owns the `Zoomtrail.Audit` events (every audit_log row also stored as an
 * event, so events search and the rules see it): kind `internal`, paused, no credentials (its sealed
 * secret is empty and never opened), no Zoom URLs. The store leaves it out of `listSources`.
 * Dialect-neutral, like 001. Numbered 018: 017 is another branch's.
 */
export const internalSourceMigration: Migration = {
  async up(db): Promise<void> {
    await db
      .insertInto('sources' as never)
      .values({
        id: INTERNAL_SOURCE_ID,
        name: INTERNAL_SOURCE_NAME,
        auth_kind: INTERNAL_SOURCE_KIND,
        zoom_account_id: null,
        client_id: '',
        api_url: '',
        oauth_url: '',
        backfill_days: 1,
        poll_interval_ms: 0,
        settle_days: 0,
        reconcile_interval_ms: 0,
        requests_per_second: 0,
        requests_per_day: 0,
        paused: 1,
        client_secret_sealed: '',
        refresh_token_sealed: null,
        drop_off_alarm_minutes: null,
        setup_finished: 1,
        created_at: 0,
        updated_at: 0,
      } as never)
      .onConflict((oc) => oc.column('id' as never).doNothing())
      .execute();
  },

  /** Kept: removing the row would first need its events and their indexes gone (the source removers do that). */
  async down(): Promise<void> {},
};
