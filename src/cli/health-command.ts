import type { Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import { loadSourceHealth } from '../health/health-loader.js';
import { describeQuietSchedule } from '../health/quiet-schedule.js';
import { formatDurationMs } from '../health/source-health.js';
import { IP_ENRICHMENT_ATTRIBUTION } from '../normalize/geoip/geoip-sources.js';
import type { GeoIpDatabaseInfo, IpLocator } from '../normalize/ip-locator.js';
import { UsageError } from './exit-codes.js';
import { formatTable, withApp } from './with-app.js';
import { visibleLines } from './terminal-text.js';

/**
 * `zoomtrail health`: every source's health state with its cause and fix, the
 * last event and poll, and its open alarms (log drop-off, days at risk).
 * Exit code 0 whatever the states: it reports, it does not judge.
 */
export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description("Show every source's health: state, cause, fix, last event, last poll and open alarms.")
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        const now = app.clock.now();
        const [sources, alarms] = await Promise.all([app.store.listSources(), app.store.listOpenSystemAlerts()]);
        const rows = await Promise.all(
          sources.map(async (source) => {
            const health = await loadSourceHealth(app.store, source, now);
            const open = alarms.filter((a) => a.dedup === source.id || a.dedup.startsWith(`${source.id}:`));
            return { source, health, open };
          }),
        );
        if (options.format === 'ndjson') {
          for (const { source, health, open } of rows) {
            process.stdout.write(
              `${JSON.stringify({
                id: source.id,
                name: source.name,
                state: health.state,
                cause: health.cause,
                fix: health.fix,
                since: iso(health.since),
                lastEventTime: iso(health.lastEventMs),
                lastPollTime: iso(health.lastPollMs),
                dropOffAlarmMinutes: source.dropOffAlarmMinutes,
                quietSchedule: source.quietSchedule ?? null,
                openAlarms: open.map((a) => ({ alertId: a.id, ruleId: a.ruleId, title: a.title, status: a.status, raisedAt: iso(a.raisedAt) })),
              })}\n`,
            );
          }
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(`No sources yet. Add one with \`zoomtrail source add --help\`.\n\n${ipEnrichmentLines(app.ipLocator).join('\n')}\n`);
          return;
        }
        const lines: string[] = [];
        lines.push(
          ...formatTable(
            ['ID', 'NAME', 'STATE', 'LAST EVENT', 'LAST POLL', 'DROP-OFF', 'OPEN ALARMS'],
            rows.map(({ source, health, open }) => [
              source.id,
              source.name,
              health.state,
              time(health.lastEventMs),
              time(health.lastPollMs),
              source.dropOffAlarmMinutes === null ? 'off' : formatDurationMs(source.dropOffAlarmMinutes * 60_000),
              String(open.length),
            ]),
          )
            .trimEnd()
            .split('\n'),
        );
        for (const { source, health, open } of rows) {
          lines.push('', `${source.name} (${source.id}): ${health.state}`, `  cause: ${health.cause}`);
          if (health.fix) lines.push(`  fix: ${health.fix}`);
          if (source.quietSchedule) lines.push(`  quiet schedule: ${describeQuietSchedule(source.quietSchedule)}`);
          for (const a of open) lines.push(`  alarm ${a.id} (${a.ruleId}, ${a.status}, raised ${time(a.raisedAt)}): ${a.title}`);
        }
        lines.push(...(await sinkLines(app)));
        lines.push('', ...ipEnrichmentLines(app.ipLocator));
        process.stdout.write(visibleLines(lines));
      });
    });
}

/** Each sink's backlog, lag and last error (forwarding), after the sources; nothing when there is no sink. */
async function sinkLines(app: AppContext): Promise<string[]> {
  const sinks = await app.store.listSinks();
  if (sinks.length === 0) return [];
  const { sinkHealth } = await import('../forward/sink-health.js');
  const lines = ['', 'Sinks:'];
  for (const sink of sinks) {
    const h = await sinkHealth(app.store, sink);
    const lag = h.lagMs === null ? '-' : formatDurationMs(h.lagMs);
    lines.push(
      `  ${sink.name} (${sink.kind}, ${sink.format}): ${sink.paused ? 'paused, ' : ''}backlog ${h.backlog} events, lag ${lag}, delivered ${h.delivered}, refused ${h.failed}`,
    );
    if (h.lastError) lines.push(`    last error: ${h.lastError.message}`, ...(h.lastError.fix ? [`    fix: ${h.lastError.fix}`] : []));
  }
  return lines;
}

/** The IP databases in use, their build dates and the attribution their licences ask for. */
export function ipEnrichmentLines(locator: IpLocator | undefined): string[] {
  let databases: GeoIpDatabaseInfo[];
  try {
    databases = locator?.databases() ?? [];
  } catch (err) {
    return [`IP enrichment: not available: ${err instanceof Error ? err.message : String(err)}`];
  }
  if (databases.length === 0) return ['IP enrichment: off (ZOOMTRAIL_GEOIP_CITY_DB and ZOOMTRAIL_GEOIP_ASN_DB are off)'];
  const lines = ['IP enrichment:'];
  for (const db of databases) {
    const built = db.builtAt === null ? 'build date unknown' : `built ${db.builtAt.slice(0, 10)}`;
    lines.push(`  ${db.role}: ${db.name} (${db.type}, ${built})${db.error === undefined ? '' : `: ${db.error}`}`);
  }
  lines.push(`  ${IP_ENRICHMENT_ATTRIBUTION}`);
  return lines;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
