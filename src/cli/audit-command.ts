import type { Command } from 'commander';
import { UsageError } from './exit-codes.js';
import { formatTable, withApp } from './with-app.js';

/**
 * `zoomtrail audit list`: the audit trail (who changed what, when, from where), newest first, read from the
 * server's store; `--ndjson` for whole entries (before/after, secrets masked) one a line.
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('The audit trail: every change made through the console or the API.');
  audit
    .command('list')
    .description('Audit entries, newest first.')
    .option('--actor <name>', 'only this user or API token name')
    .option('--action <action>', 'only this action (e.g. sources.update, auth.login.failed)')
    .option('--object <type[:id]>', 'only this object type, or one object (e.g. sources:src_...)')
    .option('--since <time>', 'ISO time or a duration back from now (e.g. 24h, 7d)')
    .option('--limit <n>', 'at most this many (default 100, at most 10000)', '100')
    .option('--ndjson', 'whole entries, one JSON object a line')
    .action(async (options: { actor?: string; action?: string; object?: string; since?: string; limit: string; ndjson?: boolean }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000.');
      await withApp(command, async (app) => {
        const since = options.since === undefined ? undefined : parseSince(options.since, app.clock.now());
        const [objectType, objectId] = options.object === undefined ? [] : splitObject(options.object);
        const entries = await app.store.listAudit({
          limit,
          ...(options.actor !== undefined ? { actor: options.actor } : {}),
          ...(options.action !== undefined ? { action: options.action } : {}),
          ...(objectType !== undefined ? { objectType } : {}),
          ...(objectId !== undefined ? { objectId } : {}),
          ...(since !== undefined ? { since } : {}),
        });
        if (options.ndjson) {
          for (const e of entries) process.stdout.write(`${JSON.stringify({ ...e, at: new Date(e.at).toISOString() })}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['TIME', 'ACTOR', 'ADDRESS', 'ACTION', 'OBJECT', 'OUTCOME'],
            entries.map((e) => [
              new Date(e.at).toISOString(),
              e.actorKind === 'token' ? `${e.actor} (token)` : e.actor,
              e.address ?? '',
              e.action,
              [e.objectType, e.objectId].filter(Boolean).join(':'),
              e.outcome,
            ]),
          ),
        );
      });
    });
}

function splitObject(value: string): [string, string | undefined] {
  const colon = value.indexOf(':');
  return colon < 0 ? [value, undefined] : [value.slice(0, colon), value.slice(colon + 1)];
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseSince(value: string, now: number): number {
  const duration = /^(\d+)([mhd])$/.exec(value);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]!]!;
  const at = Date.parse(value);
  if (!Number.isFinite(at)) throw new UsageError(`--since "${value}" is neither an ISO time nor a duration such as 24h or 7d.`);
  return at;
}
