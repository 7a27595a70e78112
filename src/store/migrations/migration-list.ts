import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './001-initial.js';
import { detectionsMigration } from './002-detections.js';
import { consoleMigration } from './003-console.js';
import { healthMigration } from './004-health.js';
import { instancesMigration } from './005-instances.js';
import { setupFinishedMigration } from './006-setup-finished.js';
import { searchIndexesMigration } from './007-search-indexes.js';
import { compactIngestMigration } from './008-compact-ingest.js';
import { signInHistoryMigration } from './009-sign-in-history.js';
import { ruleSuppressionsMigration } from './010-rule-suppressions.js';
import { ruleTuningMigration } from './011-rule-tuning.js';
import { rolesAndScopesMigration } from './012-roles-and-scopes.js';
import { auditLogMigration } from './013-audit-log.js';
import { historyIndexInWriterMigration } from './015-history-index-in-writer.js';
import { forwardingMigration } from './016-forwarding.js';
import { indicatorTimeMigration } from './017-indicator-time.js';
import { internalSourceMigration } from './018-internal-source.js';
import { oidcMigration } from './019-oidc.js';
import { sinkCoverageMigration } from './021-sink-coverage.js';
import { alertTriageMigration } from './022-alert-triage.js';
import { savedSearchesMigration } from './023-saved-searches.js';
import { changeNamesColumnMigration } from './024-change-names-column.js';
import { signInsByEventRowidMigration } from './025-sign-ins-by-event-rowid.js';
import { indicatorsByEventRowidMigration } from './026-indicators-by-event-rowid.js';
import { indicatorKindCodesMigration } from './027-indicator-kind-codes.js';
import { forwardLogWriterLockMigration } from './030-forward-log-writer-lock.js';
import { derivedOperationUdmMigration } from './033-derived-operation-udm.js';
import { sqliteChangeNamesColumnMigration } from './034-sqlite-change-names-column.js';
import { postgresIndicatorsByEventIdMigration } from './035-postgres-indicators-by-event-id.js';

/**
 * Every schema migration, in order, by name. Adding one is a list entry (and a
 * file `NNN-what.ts`); names sort in execution order. Listed in code rather than
 * found on disk, so the built `dist/` needs no migration files beside it.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-initial': initialMigration,
  '002-detections': detectionsMigration,
  '003-console': consoleMigration,
  '004-health': healthMigration,
  '005-instances': instancesMigration,
  '006-setup-finished': setupFinishedMigration,
  '007-search-indexes': searchIndexesMigration,
  '008-compact-ingest': compactIngestMigration,
  '009-sign-in-history': signInHistoryMigration,
  '010-rule-suppressions': ruleSuppressionsMigration,
  '011-rule-tuning': ruleTuningMigration,
  '012-roles-and-scopes': rolesAndScopesMigration,
  '013-audit-log': auditLogMigration,
  '015-history-index-in-writer': historyIndexInWriterMigration,
  '016-forwarding': forwardingMigration,
  '017-indicator-time': indicatorTimeMigration,
  '018-internal-source': internalSourceMigration,
  '019-oidc': oidcMigration,
  '021-sink-coverage': sinkCoverageMigration,
  '022-alert-triage': alertTriageMigration,
  '023-saved-searches': savedSearchesMigration,
  '024-change-names-column': changeNamesColumnMigration,
  '025-sign-ins-by-event-rowid': signInsByEventRowidMigration,
  '026-indicators-by-event-rowid': indicatorsByEventRowidMigration,
  '027-indicator-kind-codes': indicatorKindCodesMigration,
  '030-forward-log-writer-lock': forwardLogWriterLockMigration,
  '033-derived-operation-udm': derivedOperationUdmMigration,
  '034-sqlite-change-names-column': sqliteChangeNamesColumnMigration,
  '035-postgres-indicators-by-event-id': postgresIndicatorsByEventIdMigration,
};

/** A Kysely MigrationProvider over `MIGRATIONS` (no filesystem globbing). */
export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
