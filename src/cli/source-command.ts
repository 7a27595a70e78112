import type { Command } from 'commander';
import { recordCliAudit } from './cli-audit.js';
import type { AppContext } from '../app/app-context.js';
import { utcDay } from '../shared/clock.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import type { NewSource, StreamState } from '../store/store.js';
import { UnknownSourceError } from '../store/store-errors.js';
import { REPORT_STREAMS } from '../zoom/report-records.js';
import { checkEndpointUrl, ZOOM_COMMERCIAL } from '../zoom/zoom-endpoints.js';
import { addDays } from '../domain/utc-days.js';
import { SOURCE_DEFAULTS } from '../collect/source-defaults.js';
import { UsageError } from './exit-codes.js';
import { formatTable, withApp, withReadOnlyApp } from './with-app.js';
import { durationOption, formatDuration, parseDuration, parseIntegerOption } from './option-parsers.js';
import { loadSourceHealth } from '../health/health-loader.js';
import { describeQuietSchedule, parseQuietSchedule, QuietScheduleError } from '../health/quiet-schedule.js';
import type { QuietSchedule, SourcePatch } from '../store/store.js';
import { indentedTable, visibleLines } from './terminal-text.js';

interface AddOptions {
  name: string;
  auth: string;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  apiUrl: string;
  oauthUrl: string;
  backfillDays: number;
  pollInterval: number;
  settleDays: number;
  reconcileInterval: number;
  rps: number;
  requestsPerDay: number;
  check: boolean;
}

export { SOURCE_DEFAULTS };

export function registerSourceCommand(program: Command): void {
  const source = program.command('source').description('Add, list, show and remove Zoom log sources.');

  source
    .command('add')
    .description('Add a Zoom source using Server-to-Server OAuth and print its id. (The account-level OAuth app is added from the console.)')
    .requiredOption('--name <name>', 'a name to know the source by, e.g. "My Zoom logs"')
    .option('--auth <kind>', 'authentication: s2s (Server-to-Server OAuth)', 's2s')
    .option('--account-id <id>', 'Zoom Account ID of the Server-to-Server app')
    .option('--client-id <id>', 'Client ID of the app')
    .option('--client-secret <secret>', 'Client Secret; prefer ZOOMTRAIL_CLIENT_SECRET, which stays out of the process list')
    .option('--api-url <url>', 'Zoom API base URL (ZoomGov: https://api.zoomgov.com/v2)', ZOOM_COMMERCIAL.apiUrl)
    .option('--oauth-url <url>', 'Zoom OAuth base URL (ZoomGov: https://zoomgov.com)', ZOOM_COMMERCIAL.oauthUrl)
    .option('--backfill-days <days>', 'days of history to read on first start, 1-180', parseIntegerOption('--backfill-days', 1, 180), SOURCE_DEFAULTS.backfillDays)
    .addOption(durationOption('--poll-interval <duration>', 'time between polls, 30s to 1d', 30_000, 86_400_000, SOURCE_DEFAULTS.pollIntervalMs))
    .option('--settle-days <days>', 'days a past day stays open for late records, 0-7', parseIntegerOption('--settle-days', 0, 7), SOURCE_DEFAULTS.settleDays)
    .addOption(durationOption('--reconcile-interval <duration>', 'how often open days are re-read in full, 5m to 1d', 300_000, 86_400_000, SOURCE_DEFAULTS.reconcileIntervalMs))
    .option('--rps <n>', 'requests per second this source may spend (Pro allows 10 for the whole account)', parseIntegerOption('--rps', 1, 40), SOURCE_DEFAULTS.requestsPerSecond)
    .option(
      '--requests-per-day <n>',
      'requests per UTC day this source may spend (Pro allows 30,000 for the whole account)',
      parseIntegerOption('--requests-per-day', 10, 60_000),
      SOURCE_DEFAULTS.requestsPerDay,
    )
    .option('--no-check', 'save without checking the credentials against Zoom first')
    .action(async (options: AddOptions, command: Command) => {
      await withApp(command, async (app) => {
        const input = newSourceFrom(options, app.config.zoomCredentials?.clientSecret, app.outbound.policy);
        if (options.check) await checkSource(app, input);
        const created = await app.store.createSource(input);
        await recordCliAudit(app, { action: 'sources.create', objectType: 'sources', objectId: created.id, after: created });
        process.stdout.write(`${created.id}\n`);
        process.stderr.write(`Added source "${created.name}" (${created.id}); \`zoomtrail run\` or \`zoomtrail poll --once\` collects it.\n`);
      });
    });

  source
    .command('list')
    .description('List the sources with their collection state.')
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withReadOnlyApp(command, async (app) => {
        const sources = await app.store.listSources();
        const rows = await Promise.all(
          sources.map(async (s) => ({ source: s, streams: await Promise.all(REPORT_STREAMS.map((st) => app.store.getStreamState(s.id, st.logType))) })),
        );
        if (options.format === 'json') {
          process.stdout.write(
            `${JSON.stringify(
              rows.map(({ source: s, streams }) => ({ ...s, streams })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('No sources yet. Add one with `zoomtrail source add --help`.\n');
          return;
        }
        const table = rows.map(({ source: s, streams }) => [
          s.id,
          s.name,
          s.authKind,
          s.setupFinished === false ? 'setup incomplete' : s.paused ? 'paused' : streamsStatus(streams),
          time(maxOf(streams.map((st) => st.lastSuccessAt))),
          time(maxOf(streams.map((st) => st.newestEventTimeMs))),
        ]);
        process.stdout.write(formatTable(['ID', 'NAME', 'AUTH', 'STATUS', 'LAST SUCCESS', 'NEWEST EVENT'], table));
      });
    });

  source
    .command('show')
    .description("Show a source: settings (never secrets), each stream's state and last error, and coverage per UTC day.")
    .argument('<id>', 'source id, from `zoomtrail source list`')
    .option('--days <n>', 'days of coverage to show', parseIntegerOption('--days', 1, 180), 14)
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, options: { days: number; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        const s = await app.store.getSource(id);
        if (!s) throw new UnknownSourceError(id);
        const today = utcDay(app.clock.now());
        const first = addDays(today, -(options.days - 1));
        const streams = await Promise.all(
          REPORT_STREAMS.map(async (st) => ({
            state: await app.store.getStreamState(id, st.logType),
            coverage: await app.store.listDayCoverage(id, st.logType, first, today),
          })),
        );
        const health = await loadSourceHealth(
          app.store,
          s,
          app.clock.now(),
          streams.map((st) => st.state),
        );
        const alarms = await app.store.listOpenSystemAlerts({ sourceId: id });
        if (options.format === 'json') {
          const { streams: _streams, heartbeats, ...state } = health;
          process.stdout.write(`${JSON.stringify({ source: s, health: state, heartbeats: heartbeats.slice(0, 20), openAlarms: alarms, streams }, null, 2)}\n`);
          return;
        }
        const lines = [
          `${s.name} (${s.id})`,
          `  auth: ${s.authKind === 's2s' ? 'Server-to-Server OAuth' : 'account-level OAuth app'}, client id ${s.clientId}, client secret ${s.hasClientSecret ? 'set' : 'missing'}${s.zoomAccountId ? `, account ${s.zoomAccountId}` : ''}`,
          `  api: ${s.apiUrl}  oauth: ${s.oauthUrl}`,
          `  backfill ${s.backfillDays} days, poll every ${formatDuration(s.pollIntervalMs)}, days settle after ${s.settleDays} days, open days re-read every ${formatDuration(s.reconcileIntervalMs)}, budget ${s.requestsPerSecond}/s and ${s.requestsPerDay}/day${s.paused ? ', PAUSED' : ''}`,
          `  drop-off alarm: ${s.dropOffAlarmMinutes === null ? 'off' : `after ${formatDuration(s.dropOffAlarmMinutes * 60_000)} without events`}, quiet schedule: ${describeQuietSchedule(s.quietSchedule)}`,
          '',
          `health: ${health.state}${health.since === null ? '' : ` (since ${time(health.since)})`}`,
          `  cause: ${health.cause}`,
          ...(health.fix ? [`  fix: ${health.fix}`] : []),
          ...alarms.map((a) => `  open alarm ${a.id} (${a.ruleId}, raised ${time(a.raisedAt)}): ${a.title}`),
          `  last polls: ${health.heartbeats.length === 0 ? 'none in the last 24 h' : ''}`,
          ...health.heartbeats
            .slice(0, 10)
            .map((h) => `    ${time(h.at)}  ${h.logType.padEnd(14)} ${h.outcome.padEnd(7)} ${h.errorCode ?? ''}${h.records ? `${h.records} records` : ''}`.trimEnd()),
        ];
        for (const { state, coverage } of streams) {
          lines.push('', `${state.logType}: ${streamsStatus([state])}`);
          lines.push(
            `  last poll ${time(state.lastPollAt)}, last success ${time(state.lastSuccessAt)}, newest event ${time(state.newestEventTimeMs)}${state.readingWindow ? `, reading ${state.readingWindow} (${state.readingPages} pages so far)` : ''}`,
          );
          if (state.lastError) {
            lines.push(`  last error (${state.lastError.code}, ${time(state.lastError.at)}): ${state.lastError.message}`, `  fix: ${state.lastError.fix}`);
            if (state.nextAttemptAt) lines.push(`  next attempt ${time(state.nextAttemptAt)}`);
          }
          const byDay = new Map(coverage.map((c) => [c.day, c]));
          const rows: string[][] = [];
          for (let day = today; day >= first; day = addDays(day, -1)) {
            const c = byDay.get(day);
            // Days before the backfill are only read as padding of the oldest window: partial by design.
            const beforeBackfill = day < addDays(today, -(s.backfillDays - 1));
            rows.push([
              day,
              beforeBackfill ? 'before backfill' : c ? c.state : 'missing',
              c ? String(c.records) : '0',
              time(c?.lastFullReadAt ?? null),
              c ? [c.ambiguous ? 'confirming' : '', c.gainedAfterComplete ? `+${c.gainedAfterComplete} late` : '', c.lastError ?? ''].filter(Boolean).join('; ') : '',
            ]);
          }
          lines.push(...indentedTable(formatTable(['DAY (UTC)', 'STATE', 'RECORDS', 'LAST FULL READ', 'NOTES'], rows)));
        }
        process.stdout.write(visibleLines(lines));
      });
    });

  source
    .command('update')
    .description("Change a source's log drop-off alarm (period or off) and its quiet schedule.")
    .argument('<id>', 'source id')
    .option('--drop-off <period>', 'alarm after this long without events, 15m to 30d (e.g. 6h), or "off"')
    .option(
      '--quiet-schedule <json>',
      'when the alarm holds its fire, e.g. \'{"timeZone":"Europe/Paris","days":[0,6],"window":{"from":"22:00","to":"06:00"}}\' (days: 0 = Sunday), or "off"',
    )
    .option('--name <name>', 'a new name')
    .action(async (id: string, options: { dropOff?: string; quietSchedule?: string; name?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const patch: SourcePatch = {};
        if (options.dropOff !== undefined) patch.dropOffAlarmMinutes = parseDropOff(options.dropOff);
        if (options.quietSchedule !== undefined) patch.quietSchedule = parseQuietScheduleOption(options.quietSchedule);
        if (options.name !== undefined) {
          if (!options.name.trim()) throw new UsageError('--name must not be blank.');
          patch.name = options.name.trim();
        }
        if (Object.keys(patch).length === 0) throw new UsageError('Nothing to change: give --drop-off, --quiet-schedule or --name.');
        const before = await app.store.getSource(id);
        const updated = await app.store.updateSource(id, patch);
        await recordCliAudit(app, { action: 'sources.update', objectType: 'sources', objectId: id, before, after: updated, change: patch });
        process.stderr.write(
          `Updated ${updated.name} (${updated.id}): drop-off alarm ${updated.dropOffAlarmMinutes === null ? 'off' : `after ${formatDuration(updated.dropOffAlarmMinutes * 60_000)}`}, quiet schedule ${describeQuietSchedule(updated.quietSchedule)}.\n`,
        );
      });
    });

  source
    .command('remove')
    .description('Remove a source and everything collected from it.')
    .argument('<id>', 'source id')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const { removeSource } = await import('../app/source-service.js');
        const before = await app.store.getSource(id);
        const { revocation } = await removeSource({ store: app.store, fetch: app.outbound.fetch, logger: app.logger }, id);
        await recordCliAudit(app, { action: 'sources.delete', objectType: 'sources', objectId: id, before });
        process.stderr.write(`Removed source ${id} and its events.\n`);
        if (revocation === 'revoked') process.stderr.write('Revoked its authorization at Zoom.\n');
        if (revocation === 'refused' || revocation === 'failed')
          process.stderr.write('Could not revoke its authorization at Zoom: remove the app in the Zoom App Marketplace (Manage > Added Apps) if it is no longer used.\n');
      });
    });
}

function newSourceFrom(options: AddOptions, configuredSecret: string | undefined, policy: OutboundAddressPolicy): NewSource {
  if (options.auth !== 's2s') {
    throw new UsageError(
      options.auth === 'authorization_code' || options.auth === 'oauth'
        ? 'The account-level OAuth app needs a browser to authorize: add it from the console (Log Sources > Create New > Zoom). From the shell, use --auth s2s.'
        : `--auth must be s2s, not "${options.auth}".`,
    );
  }
  const clientSecret = options.clientSecret ?? configuredSecret;
  const missing = [!options.accountId && '--account-id', !options.clientId && '--client-id', !clientSecret && '--client-secret (or ZOOMTRAIL_CLIENT_SECRET)'].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`Server-to-Server OAuth needs ${missing.join(', ')}: find them in the Zoom App Marketplace under your app's App Credentials.`);
  for (const [name, value] of [
    ['API URL', options.apiUrl],
    ['OAuth URL', options.oauthUrl],
  ] as const) {
    const problem = checkEndpointUrl(name, value, policy);
    if (problem) throw new UsageError(problem);
  }
  return {
    name: options.name,
    authKind: 's2s',
    zoomAccountId: options.accountId!,
    clientId: options.clientId!,
    apiUrl: options.apiUrl,
    oauthUrl: options.oauthUrl,
    backfillDays: options.backfillDays,
    pollIntervalMs: options.pollInterval,
    settleDays: options.settleDays,
    reconcileIntervalMs: options.reconcileInterval,
    requestsPerSecond: options.rps,
    requestsPerDay: options.requestsPerDay,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: clientSecret! },
  };
}

/**
 * Gets a token and one small page of each report for today: wrong credentials,
 * scopes or plan fail here, before anything is saved. Zoom's transient faults
 * are retried for a few seconds (CHECK_RETRY); on a terminal each retry is
 * said on `stderr`, so a pause is not mistaken for a hang.
 */
export async function checkSource(
  app: Pick<AppContext, 'clock' | 'logger' | 'outbound'>,
  input: NewSource,
  stderr: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): Promise<void> {
  const { checkZoomSource } = await import('../collect/source-check.js');
  const outcome = await checkZoomSource({
    endpoints: { apiUrl: input.apiUrl, oauthUrl: input.oauthUrl },
    auth: { kind: 's2s', accountId: input.zoomAccountId!, clientId: input.clientId, clientSecret: input.credentials.clientSecret },
    clock: app.clock,
    logger: app.logger,
    fetchImpl: app.outbound.fetch,
    requestsPerSecond: input.requestsPerSecond,
    requestsPerDay: input.requestsPerDay,
    ...(stderr.isTTY ? { onRetry: (notice: string) => void stderr.write(`${notice}...\n`) } : {}),
  });
  if (outcome.error) throw outcome.error;
}

/** `--drop-off`: `off`, or a duration from 15 minutes to 30 days, as whole minutes. */
export function parseDropOff(value: string): number | null {
  if (value.trim().toLowerCase() === 'off') return null;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 15 * 60_000 || ms > 30 * 86_400_000)
    throw new UsageError(`--drop-off must be "off" or a duration from 15m to 30d (e.g. 45m, 6h, 2d), not "${value}".`);
  return Math.round(ms / 60_000);
}

function parseQuietScheduleOption(value: string): QuietSchedule | null {
  if (value.trim().toLowerCase() === 'off') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError('--quiet-schedule must be JSON such as {"timeZone":"Europe/Paris","days":[0,6]}, or "off".');
  }
  try {
    return parseQuietSchedule(parsed);
  } catch (error) {
    if (error instanceof QuietScheduleError) throw new UsageError(`--quiet-schedule: ${error.message}.`);
    throw error;
  }
}

function streamsStatus(streams: StreamState[]): string {
  const failing = streams.find((st) => st.lastError);
  if (failing?.lastError) return `error: ${failing.lastError.code}`;
  if (streams.some((st) => st.readingWindow)) return 'reading';
  if (streams.every((st) => st.lastSuccessAt === null)) return 'not collected yet';
  return 'ok';
}

function maxOf(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.max(...present) : null;
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
