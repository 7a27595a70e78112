import { userInfo } from 'node:os';
import type { AppContext } from '../app/app-context.js';

/**
 * Records a change made with a CLI command on the server in the audit trail (the same one the API writes),
 * with the operating-system user as the actor (also stored as a Zoomtrail.Audit event) and values masked as the API's recorder masks them.
 */
export async function recordCliAudit(
  app: AppContext,
  entry: { action: string; objectType: string; objectId: string | null; before?: unknown; after?: unknown; change?: unknown },
): Promise<void> {
  const { maskSecrets } = await import('../api/audit-trail.js');
  const { recordAudit } = await import('../app/audit-events.js');
  await recordAudit(
    { store: app.store, clock: app.clock, logger: app.logger },
    {
      actor: userInfo().username,
      actorKind: 'cli',
      address: null,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      outcome: 'ok',
      status: 0,
      before: maskSecrets(entry.before ?? null),
      after: maskSecrets(entry.after ?? null),
      change: maskSecrets(entry.change ?? null),
    },
  );
}
