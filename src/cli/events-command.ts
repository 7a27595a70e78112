import { InvalidArgumentError, type Command } from 'commander';
import { ipLocationsOf } from '../domain/ip-location.js';
import type { EventQuery, StoredEvent } from '../store/store.js';
import { STORED_LOG_TYPES, type LogType } from '../zoom/report-records.js';
import { UsageError } from './exit-codes.js';
import { parseIntegerOption, parseTimeOption } from './option-parsers.js';
import { withApp } from './with-app.js';

export function parseLogTypeOption(value: string): LogType {
  if (!(STORED_LOG_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--log-type must be one of ${STORED_LOG_TYPES.join(', ')}, not "${value}".`);
  return value as LogType;
}

/** `--log-type` where every log type is allowed: one of STORED_LOG_TYPES, or `all`. */
export function parseLogTypeOrAllOption(value: string): LogType | 'all' {
  if (value.trim().toLowerCase() === 'all') return 'all';
  if (!(STORED_LOG_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--log-type must be one of ${STORED_LOG_TYPES.join(', ')} or all, not "${value}".`);
  return value as LogType;
}

/** The filters `events list` and `events export` share. */
interface FilterOptions {
  /** Absent or `all`: every log type. */
  logType?: LogType | 'all';
  source?: string;
  since?: number;
  until?: number;
  email?: string;
  ip?: string;
  country?: string;
  asn?: number;
  limit?: number;
}

interface ExportOptions extends FilterOptions {
  format: string;
}

interface ListOptions extends FilterOptions {
  json?: boolean;
}

/** `--country`: an ISO 3166-1 alpha-2 code, upper-cased. */
export function parseCountryOption(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) throw new InvalidArgumentError(`--country must be a two-letter ISO 3166-1 code such as DE, not "${value}".`);
  return code;
}

function withFilters(command: Command, maxLimit: number): Command {
  return command
    .option('--log-type <type>', `only this log type: ${STORED_LOG_TYPES.join(', ')}, or all (the default)`, parseLogTypeOrAllOption)
    .option('--source <id>', 'only this source')
    .option('--since <time>', 'from this time, inclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--since'))
    .option('--until <time>', 'up to this time, exclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--until'))
    .option('--email <address>', 'only events naming this email (any email field)')
    .option('--ip <address>', 'only events from this IP address')
    .option('--country <code>', 'only events from an IP address in this country (IP enrichment, ISO 3166-1 alpha-2)', parseCountryOption)
    .option('--asn <number>', 'only events from an IP address in this autonomous system (IP enrichment)', parseIntegerOption('--asn', 0, 4_294_967_295))
    .option('--limit <n>', 'at most this many events', parseIntegerOption('--limit', 1, maxLimit));
}

function queryOf(options: FilterOptions): EventQuery {
  if (options.since !== undefined && options.until !== undefined && options.since >= options.until) throw new UsageError('--since must be before --until.');
  const query: EventQuery = {};
  if (options.logType !== undefined && options.logType !== 'all') query.logType = options.logType;
  if (options.source !== undefined) query.sourceId = options.source;
  if (options.since !== undefined) query.sinceMs = options.since;
  if (options.until !== undefined) query.untilMs = options.until;
  if (options.email !== undefined) query.email = options.email;
  if (options.ip !== undefined) query.ipAddress = options.ip;
  if (options.country !== undefined) query.country = options.country;
  if (options.asn !== undefined) query.asn = options.asn;
  if (options.limit !== undefined) query.limit = options.limit;
  return query;
}

/** One line of `events list`: time, log type, who, what, and where from (country, ASN). */
export function eventListLine(stored: StoredEvent): string {
  const e = stored.event;
  const who = typeof e.email === 'string' ? e.email : typeof e.operator === 'string' ? e.operator : '-';
  const what = typeof e.type === 'string' ? e.type : [e.category_type, e.action].filter((v) => typeof v === 'string').join(' ') || '-';
  const where = [...ipLocationsOf(e).values()]
    .map((l) => (l.kind === 'public' ? [l.country ?? '??', l.city, l.asn === undefined ? undefined : `AS${l.asn}`].filter((v) => v !== undefined).join(' ') : l.kind))
    .join(', ');
  const ip = typeof e.ip_address === 'string' ? e.ip_address : '';
  return [new Date(stored.eventTimeMs).toISOString(), stored.logType, who, what, ip, where].filter((v) => v !== '').join('  ');
}

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('Read stored events.');
  withFilters(
    events.command('list').description('Show stored events, newest first (default 50): time, log type, who, what, IP address and where it is (country, city, ASN).'),
    10_000,
  )
    .option('--json', 'one normalized event per line (NDJSON) instead of the summary')
    .action(async (options: ListOptions, command: Command) => {
      await withApp(command, async (app) => {
        const query: EventQuery = { ...queryOf(options), order: 'desc', limit: options.limit ?? 50 };
        for await (const stored of app.store.queryEvents(query)) await write(`${options.json === true ? JSON.stringify(stored.event) : eventListLine(stored)}\n`);
      });
    });
  withFilters(
    events.command('export').description('Write stored events to stdout in event-time order, as NDJSON (whole normalized events) or CSV (one column per schema field).'),
    100_000_000,
  )
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .action(async (options: ExportOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'ndjson' && options.format !== 'csv') throw new UsageError(`--format must be ndjson or csv, not "${options.format}".`);
        for await (const chunk of app.store.exportEvents(queryOf(options), options.format)) await write(chunk);
      });
    });
}

/** Writes with backpressure, so exporting millions of rows into a slow pipe stays within memory. */
function write(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.stdout.write(text)) return resolve();
    process.stdout.once('drain', resolve);
    process.stdout.once('error', reject);
  });
}
