import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import { FORMAT_NAMES, isFormatName, type FormatName } from '../forward/formats/event-format.js';
import { isSinkKind, SINK_KINDS, type SinkKind } from '../forward/sink.js';
import type { SinkUpdateRequest } from '../forward/update-sink.js';
import type { SinkRecord } from '../store/sink-store.js';
import { EXIT, UsageError } from './exit-codes.js';
import { formatTable, withApp } from './with-app.js';
import { readSecretInput } from './secret-input.js';
import { recordCliAudit } from './cli-audit.js';

interface AddOptions {
  name: string;
  kind: SinkKind;
  url: string;
  format: FormatName;
  logTypes?: string[];
  subjectPrefix?: string;
  index?: string;
  bucket?: string;
  region?: string;
  prefix?: string;
  pathStyle?: boolean;
  facility?: string;
  appName?: string;
  hostname?: string;
  caFile?: string;
  filter?: string[];
  from?: string;
  start: 'beginning' | 'now';
  secretEnv?: string;
  secretStdin?: boolean;
}

const LOG_TYPES = ['Zoom.Activity', 'Zoom.Operation'];
/** The sink settings `sink add` takes as flags, and `sink update --setting` by name. */
const SETTING_KEYS = ['subjectPrefix', 'index', 'bucket', 'region', 'prefix', 'pathStyle', 'facility', 'appName', 'hostname', 'caFile'] as const;

interface UpdateOptions {
  name?: string;
  url?: string;
  format?: FormatName;
  logTypes?: string[];
  filter?: string[] | false;
  setting?: string[];
  secretEnv?: string;
  secretStdin?: boolean;
}

/** The CLI's name for a field a sink change names (the API's names are the shared ones). */
const FLAG_OF: Readonly<Record<string, string>> = {
  name: '--name',
  format: '--format',
  url: '--url',
  secret: 'the secret (--secret-stdin or --secret-env)',
  settings: '--setting',
  logTypes: '--log-types',
  fieldFilters: '--filter',
};

/** `--setting key=value` pairs over `current`: true/false are booleans, an empty value removes the setting. */
function mergedSettings(current: Record<string, unknown>, pairs: readonly string[]): Record<string, unknown> {
  const settings = { ...current };
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    if (equals < 0 || !(SETTING_KEYS as readonly string[]).includes(key))
      throw new UsageError(`--setting: "${pair}" is not key=value with a key among ${SETTING_KEYS.join(', ')}.`);
    const value = pair.slice(equals + 1);
    if (value === '') delete settings[key];
    else settings[key] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return settings;
}

function parseKind(value: string): SinkKind {
  if (!isSinkKind(value)) throw new InvalidArgumentError(`--kind must be one of ${SINK_KINDS.join(', ')}, not "${value}".`);
  return value;
}

function parseFormat(value: string): FormatName {
  if (!isFormatName(value)) throw new InvalidArgumentError(`--format must be one of ${FORMAT_NAMES.join(', ')}, not "${value}".`);
  return value;
}

function parseStart(value: string): 'beginning' | 'now' {
  if (value !== 'beginning' && value !== 'now') throw new InvalidArgumentError(`--start must be beginning or now, not "${value}".`);
  return value;
}

/** `zoomtrail sink ...`: where stored events are forwarded (issue 18). The forwarding modules load inside the actions. */
export function registerSinkCommand(program: Command): void {
  const sink = program
    .command('sink')
    .description('Forward stored events to a SIEM, a bucket or a message bus: add, list, show, test, pause, resume, replay, remove sinks, dead letters, flush, and verify.');

  sink
    .command('add')
    .description('Add a sink and print its id; `zoomtrail start` forwards to it, `zoomtrail sink flush` delivers what is pending now.')
    .requiredOption('--name <name>', 'a name to know the sink by')
    .requiredOption('--kind <kind>', SINK_KINDS.join(', '), parseKind)
    .requiredOption(
      '--url <url>',
      'http: the receiver URL; nats: nats://host:4222; elasticsearch: the cluster URL; splunk-hec: the HEC base URL (https://splunk:8088); s3: the endpoint (https://s3.eu-west-1.amazonaws.com, http://minio:9000); syslog: tcp://host:514 or tls://host:6514',
    )
    .option('--format <format>', FORMAT_NAMES.join(', '), parseFormat, 'panther')
    .option('--log-types <type...>', `forward only these log types (${LOG_TYPES.join(', ')}; default all)`)
    .option('--subject-prefix <prefix>', 'nats: subjects are <prefix>.zoom.activity and <prefix>.zoom.operation (default zoomtrail)')
    .option('--index <name>', 'elasticsearch: the index or data stream (default zoomtrail)')
    .option('--bucket <name>', 's3: the bucket (required)')
    .option('--region <region>', 's3: the region (default us-east-1)')
    .option('--prefix <prefix>', 's3: a key prefix before zoom/<log type>/dt=YYYY-MM-DD/')
    .option('--path-style', 's3: path-style addressing (the default for endpoints other than *.amazonaws.com)')
    .option('--no-path-style', 's3: virtual-host addressing')
    .option('--facility <facility>', 'syslog: the facility, a name (local0..local7, auth, authpriv, ...) or 0-23 (default local0)')
    .option('--app-name <name>', 'syslog: the APP-NAME (default zoomtrail)')
    .option('--hostname <name>', "syslog: the HOSTNAME (default this machine's)")
    .option('--ca-file <path>', "syslog over tls://: the CA certificate (PEM) that signed the server's certificate, when not a public one")
    .option('--filter <clause...>', 'forward only events meeting every clause: field=value or field!=value, dotted paths (e.g. p_log_type=Zoom.Operation "email!=bot@example.com")')
    .option('--from <where>', 'now (only events stored from now on), all (everything the forward log holds) or a UTC day YYYY-MM-DD (events stored since)')
    .option('--start <where>', 'beginning or now (the older spelling of --from all / --from now)', parseStart, 'beginning')
    .option(
      '--secret-env <var>',
      'read the secret (http: signing secret; nats: token; elasticsearch: API key; splunk-hec: HEC token; s3: <access key id>:<secret access key>) from this environment variable',
    )
    .option('--secret-stdin', 'read the secret from the first line of stdin')
    .addHelpText('after', ['', 'The secret is never a flag value; it is stored encrypted and never printed.'].join('\n'))
    .action(async (options: AddOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.secretEnv !== undefined && options.secretStdin) throw new UsageError('Give the secret through --secret-env or --secret-stdin, not both.');
        for (const type of options.logTypes ?? []) if (!LOG_TYPES.includes(type)) throw new UsageError(`--log-types: "${type}" is not one of ${LOG_TYPES.join(', ')}.`);
        const { sinkFor } = await import('../forward/sink-registry.js');
        const { parseFieldFilter } = await import('../forward/event-filter.js');
        const { parseStartPoint, startOption } = await import('../forward/sink-start-point.js');
        const module = sinkFor(options.kind);
        const fieldFilters = options.filter ?? [];
        const filterProblem = parseFieldFilter(fieldFilters);
        if (typeof filterProblem === 'string') throw new UsageError(`--filter: ${filterProblem}.`);
        const point = options.from === undefined ? undefined : parseStartPoint(options.from);
        if (typeof point === 'string') throw new UsageError(`--from: ${point}.`);
        const secret = await readSecretInput(options);
        const settings: Record<string, unknown> = {};
        if (options.subjectPrefix !== undefined) settings.subjectPrefix = options.subjectPrefix;
        if (options.index !== undefined) settings.index = options.index;
        for (const key of SETTING_KEYS) if (options[key] !== undefined) settings[key] = options[key];
        const config = { url: options.url, settings };
        if (module.needsSecret && secret === null) throw new UsageError(`A ${options.kind} sink needs a secret: give it with --secret-env VAR or --secret-stdin.`);
        const { sinkTargetProblem } = await import('../forward/update-sink.js');
        const problem = sinkTargetProblem(module, config, secret, app.outbound.policy);
        if (problem) throw new UsageError(`${problem.message}.`);
        const created = await app.store.createSink({
          name: options.name,
          kind: options.kind,
          format: options.format,
          url: options.url,
          settings,
          secret,
          logTypes: options.logTypes && options.logTypes.length > 0 ? options.logTypes : null,
          fieldFilters,
          createdBy: userInfo().username,
          start: point ? startOption(point) : options.start,
        });
        process.stdout.write(`${created.id}\n`);
        process.stderr.write(`Added ${created.kind} sink "${created.name}" (${created.format}); \`zoomtrail sink flush --sink ${created.name}\` delivers what is pending now.\n`);
      });
    });

  sink
    .command('update')
    .description("Change a sink (the same checks as the API's PATCH /api/sinks/:id); only what is given changes. The secret is write-only: never printed.")
    .argument('<sink>', 'sink name or id')
    .option('--name <name>', 'a new name')
    .option('--url <url>', 'where it sends (the secret must be given again with a new URL)')
    .option('--format <format>', FORMAT_NAMES.join(', '), parseFormat)
    .option('--log-types <type...>', `forward only these log types (${LOG_TYPES.join(', ')}), or "all"`)
    .option('--filter <clause...>', 'replace the field filter: field=value or field!=value clauses')
    .option('--no-filter', 'remove the field filter')
    .option('--setting <key=value...>', `set a setting (${SETTING_KEYS.join(', ')}); key= removes it`)
    .option('--secret-env <var>', 'read a new secret from this environment variable')
    .option('--secret-stdin', 'read a new secret from the first line of stdin')
    .addHelpText('after', ['', 'The secret is never a flag value; it is stored encrypted and never printed.'].join('\n'))
    .action(async (idOrName: string, options: UpdateOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.secretEnv !== undefined && options.secretStdin) throw new UsageError('Give the secret through --secret-env or --secret-stdin, not both.');
        const current = await existing(app, idOrName);
        const secret = await readSecretInput(options);
        const request: SinkUpdateRequest = {};
        if (options.name !== undefined) request.name = options.name;
        if (options.url !== undefined) request.url = options.url;
        if (options.format !== undefined) request.format = options.format;
        if (options.logTypes !== undefined) request.logTypes = options.logTypes.includes('all') ? null : options.logTypes;
        if (options.filter !== undefined) request.fieldFilters = options.filter === false ? [] : options.filter;
        if (options.setting !== undefined) request.settings = mergedSettings(current.settings, options.setting);
        if (secret !== null) request.secret = secret;
        if (Object.keys(request).length === 0)
          throw new UsageError('Nothing to change: give --name, --url, --format, --log-types, --filter, --no-filter, --setting or a new secret.');
        const { updateSink } = await import('../forward/update-sink.js');
        const result = await updateSink(current, request, { store: app.store, policy: app.outbound.policy });
        if (!result.ok) {
          const { ActionableError } = await import('../shared/actionable-error.js');
          throw new ActionableError(result.problem.code, `${FLAG_OF[result.problem.field] ?? result.problem.field}: ${result.problem.message}.`, result.problem.fix);
        }
        await recordCliAudit(app, { action: 'sinks.update', objectType: 'sinks', objectId: current.id, before: current, after: result.sink, change: request });
        const changed = Object.keys(request).map((k) => (k === 'fieldFilters' ? 'filter' : k));
        process.stderr.write(`Updated ${result.sink.kind} sink "${result.sink.name}": ${changed.join(', ')}.\n`);
      });
    });

  sink
    .command('list')
    .description('List the sinks with their backlog and last error (never their secrets).')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        const { sinkHealth } = await import('../forward/sink-health.js');
        const list = await app.store.listSinks();
        const health = await Promise.all(list.map((s) => sinkHealth(app.store, s)));
        if (options.format === 'ndjson') {
          for (const h of health) process.stdout.write(`${JSON.stringify(h)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('No sinks yet. Add one with `zoomtrail sink add --help`.\n');
          return;
        }
        const rows = health.map((h) => [
          h.sink.id,
          h.sink.name,
          h.sink.kind,
          h.sink.format,
          h.sink.paused ? 'paused' : 'active',
          String(h.backlog),
          h.lagMs === null ? '-' : `${Math.round(h.lagMs / 1000)} s`,
          String(h.delivered),
          h.lastError?.message ?? '',
        ]);
        process.stdout.write(formatTable(['ID', 'NAME', 'KIND', 'FORMAT', 'STATE', 'BACKLOG', 'LAG', 'DELIVERED', 'LAST ERROR'], rows));
      });
    });

  sink
    .command('show')
    .description('Show one sink: settings, cursor, counters, backlog, lag, last error and dead letters (JSON).')
    .argument('<sink>', 'sink name or id')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const s = await existing(app, idOrName);
        const { sinkHealth } = await import('../forward/sink-health.js');
        const health = await sinkHealth(app.store, s);
        const deadLetters = await app.store.listSinkDeadLetters(s.id, 20);
        process.stdout.write(`${JSON.stringify({ ...health, state: await app.store.getSinkState(s.id), deadLetters }, null, 2)}\n`);
      });
    });

  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    sink
      .command(name)
      .description(paused ? 'Stop forwarding to a sink (its backlog is kept).' : 'Forward to a paused sink again, from where it stopped.')
      .argument('<sink>', 'sink name or id')
      .action(async (idOrName: string, _options: unknown, command: Command) => {
        await withApp(command, async (app) => {
          const s = await existing(app, idOrName);
          await app.store.setSinkPaused(s.id, paused);
          process.stderr.write(`Sink "${s.name}" ${paused ? 'paused' : 'resumed'}.\n`);
        });
      });
  }

  sink
    .command('remove')
    .description('Remove a sink with its cursor and dead letters (nothing is removed at the sink).')
    .argument('<sink>', 'sink name or id')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const s = await existing(app, idOrName);
        await app.store.removeSink(s.id);
        process.stderr.write(`Removed sink "${s.name}".\n`);
      });
    });

  sink
    .command('test')
    .description('Send one synthetic test event (log type Zoomtrail.Test) to a sink and report whether it was accepted; the cursor does not move.')
    .argument('<sink>', 'sink name or id')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const s = await existing(app, idOrName);
        const { sendTestEvent } = await import('../forward/sink-actions.js');
        const result = await sendTestEvent(s, { store: app.store, clock: app.clock, logger: app.logger, fetch: app.outbound.fetch, policy: app.outbound.policy });
        if (result.ok) {
          process.stdout.write(`${s.name}: test event accepted\n`);
          return EXIT.ok;
        }
        process.stdout.write(`${s.name}: FAILED: ${result.error.message}\n`);
        if (result.error.fix) process.stdout.write(`  fix: ${result.error.fix}\n`);
        return EXIT.unexpected;
      });
    });

  sink
    .command('replay')
    .description("Move a sink's cursor so that it sends again what was stored since a day (or everything the forward log holds); `sink flush` or the running server sends it.")
    .argument('<sink>', 'sink name or id')
    .requiredOption('--from <where>', 'a UTC day YYYY-MM-DD, all, or now (skip the backlog)')
    .action(async (idOrName: string, options: { from: string }, command: Command) => {
      await withApp(command, async (app) => {
        const s = await existing(app, idOrName);
        const { parseStartPoint } = await import('../forward/sink-start-point.js');
        const point = parseStartPoint(options.from);
        if (typeof point === 'string') throw new UsageError(`--from: ${point}.`);
        const { replaySink } = await import('../forward/sink-actions.js');
        const backlog = await replaySink(s, point, { store: app.store, clock: app.clock });
        await recordCliAudit(app, { action: 'sinks.replay', objectType: 'sinks', objectId: s.id, change: { from: options.from } });
        process.stderr.write(`Sink "${s.name}" moved to ${options.from}: ${backlog} events to send.\n`);
      });
    });

  sink
    .command('dead-letters')
    .description('List the events a sink refused for good (row id, when, why); `zoomtrail sink retry` sends them again.')
    .argument('<sink>', 'sink name or id')
    .option('--limit <n>', 'at most this many (default 100)', (v) => Number.parseInt(v, 10), 100)
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (idOrName: string, options: { limit: number; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        if (!Number.isInteger(options.limit) || options.limit < 1) throw new UsageError('--limit must be a positive whole number.');
        const s = await existing(app, idOrName);
        const letters = await app.store.listSinkDeadLetters(s.id, options.limit);
        if (options.format === 'ndjson') {
          for (const l of letters) process.stdout.write(`${JSON.stringify(l)}\n`);
          return;
        }
        if (letters.length === 0) {
          process.stdout.write(`Sink "${s.name}" has no dead letters.\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['ROW ID', 'FAILED AT', 'REASON'],
            letters.map((l) => [l.rowId, new Date(l.failedAt).toISOString(), l.reason]),
          ),
        );
      });
    });

  sink
    .command('retry')
    .description("Send a sink's dead letters again: delivered ones leave the list, refused ones stay with the new reason. Exit 1 when the sink failed.")
    .argument('<sink>', 'sink name or id')
    .option('--all', 'every dead letter')
    .option('--id <rowId...>', 'these dead letters (row ids)')
    .action(async (idOrName: string, options: { all?: boolean; id?: string[] }, command: Command) => {
      await withApp(command, async (app) => {
        if (!options.all === !options.id) throw new UsageError('Give --all or --id ROW_ID..., not both.');
        const s = await existing(app, idOrName);
        const { retryDeadLetters } = await import('../forward/sink-actions.js');
        const result = await retryDeadLetters(s, options.all ? { all: true } : { rowIds: options.id ?? [] }, {
          store: app.store,
          clock: app.clock,
          logger: app.logger,
          fetch: app.outbound.fetch,
          policy: app.outbound.policy,
        });
        await recordCliAudit(app, { action: 'sinks.dead-letters-retry', objectType: 'sinks', objectId: s.id, change: { all: options.all === true, ids: options.id ?? [] } });
        process.stdout.write(`${s.name}: ${result.delivered} delivered, ${result.refused} refused again, ${result.gone} no longer stored\n`);
        if (result.error) {
          process.stdout.write(`FAILED: ${result.error.message}\n`);
          if (result.error.fix) process.stdout.write(`  fix: ${result.error.fix}\n`);
          return EXIT.unexpected;
        }
        return EXIT.ok;
      });
    });

  sink
    .command('flush')
    .description('Deliver everything pending to the sinks now (retry backoff ignored) and exit: 0 when all was delivered, 1 when a sink failed.')
    .option('--sink <sink>', 'only this sink (name or id); default every sink not paused')
    .action(async (options: { sink?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const targets = options.sink === undefined ? undefined : [await existing(app, options.sink)];
        const { Forwarder } = await import('../forward/forwarder.js');
        const forwarder = new Forwarder({ store: app.store, clock: app.clock, logger: app.logger, fetch: app.outbound.fetch, policy: app.outbound.policy });
        const results = await forwarder.flush(targets);
        if (results.length === 0) process.stderr.write('No sinks to flush. Add one with `zoomtrail sink add --help`.\n');
        let failed = false;
        for (const r of results) {
          if (r.error) {
            failed = true;
            process.stdout.write(`${r.sink.name}: FAILED after ${r.delivered} delivered: ${r.error.message}\n`);
            if (r.error.fix) process.stdout.write(`  fix: ${r.error.fix}\n`);
          } else {
            process.stdout.write(
              `${r.sink.name}: ${r.delivered} delivered${r.rejected > 0 ? `, ${r.rejected} refused (dead letters: \`zoomtrail sink show ${r.sink.name}\`)` : ''}\n`,
            );
          }
        }
        return failed ? EXIT.unexpected : EXIT.ok;
      });
    });

  sink
    .command('verify')
    .description(
      "Recompute each day's digest over the stored row ids (docs/coverage-digest.md) and, for sinks that can be read back (elasticsearch, nats, s3), compare with what the sink holds: exit 1 when a day differs.",
    )
    .argument('<sink>', 'sink name or id')
    .option('--from <day>', 'first UTC day, YYYY-MM-DD (default 30 days ago)', parseDay)
    .option('--to <day>', 'last UTC day, YYYY-MM-DD (default today)', parseDay)
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (idOrName: string, options: { from?: string; to?: string; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        const s = await existing(app, idOrName);
        const today = new Date(app.clock.now()).toISOString().slice(0, 10);
        const toDay = options.to ?? today;
        const fromDay = options.from ?? new Date(Date.parse(`${toDay}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
        if (fromDay > toDay) throw new UsageError(`--from ${fromDay} is after --to ${toDay}.`);
        const { verifySink } = await import('../forward/sink-verifier.js');
        const report = await verifySink({ store: app.store, clock: app.clock, logger: app.logger, fetch: app.outbound.fetch, sink: s, fromDay, toDay });
        if (options.format === 'ndjson') {
          for (const d of report.days) process.stdout.write(`${JSON.stringify(d)}\n`);
        } else if (report.days.length === 0) {
          process.stdout.write(`No stored events for ${s.name} from ${fromDay} to ${toDay}.\n`);
        } else {
          const rows = report.days.map((d) => [
            d.day,
            d.logType,
            String(d.storeCount),
            d.storeDigest.slice(0, 16),
            d.sinkCount === null ? '-' : String(d.sinkCount),
            d.sinkDigest === null ? '-' : d.sinkDigest.slice(0, 16),
            d.coverageVersion === null ? '-' : `v${d.coverageVersion}`,
            d.sinkCount === null ? 'not read back' : d.differs ? `DIFFERS: ${d.missing.count} missing, ${d.unexpected.count} unexpected` : 'same',
          ]);
          process.stdout.write(formatTable(['DAY', 'STREAM', 'STORED', 'DIGEST', 'AT SINK', 'SINK DIGEST', 'COVERAGE', 'RESULT'], rows));
        }
        if (!report.readBack) process.stderr.write(`A ${s.kind} sink cannot be read back: compare the digests above with the Zoomtrail.Coverage records it received.\n`);
        for (const d of report.differing) {
          if (d.missing.count > 0) process.stderr.write(`${d.day} ${d.logType}: missing at the sink, e.g. ${d.missing.sample.join(', ')}\n`);
          if (d.unexpected.count > 0) process.stderr.write(`${d.day} ${d.logType}: at the sink but not stored, e.g. ${d.unexpected.sample.join(', ')}\n`);
        }
        if (report.differing.length > 0) {
          process.stderr.write(
            `${report.differing.length} day(s) differ. Events still pending (\`zoomtrail sink show ${s.name}\`: backlog, dead letters) show as missing; \`zoomtrail sink flush --sink ${s.name}\` delivers them.\n`,
          );
          return EXIT.unexpected;
        }
        return EXIT.ok;
      });
    });
}

function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError(`a day is YYYY-MM-DD, not "${value}".`);
  return value;
}

async function existing(app: AppContext, idOrName: string): Promise<SinkRecord> {
  const s = await app.store.getSink(idOrName);
  if (!s) {
    const { UnknownSinkError } = await import('../store/store-errors.js');
    throw new UnknownSinkError(idOrName);
  }
  return s;
}
