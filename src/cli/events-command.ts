import { InvalidArgumentError, type Command } from 'commander';
import { LOG_TYPES, type LogType } from '../zoom/report-records.js';
import { UsageError } from './exit-codes.js';
import { parseIntegerOption, parseTimeOption } from './option-parsers.js';
import { withApp } from './with-app.js';

export function parseLogTypeOption(value: string): LogType {
  if (!(LOG_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--log-type must be one of ${LOG_TYPES.join(', ')}, not "${value}".`);
  return value as LogType;
}

/** `--log-type` where every log type is allowed: one of LOG_TYPES, or `all`. */
export function parseLogTypeOrAllOption(value: string): LogType | 'all' {
  if (value.trim().toLowerCase() === 'all') return 'all';
  if (!(LOG_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--log-type must be one of ${LOG_TYPES.join(', ')} or all, not "${value}".`);
  return value as LogType;
}

interface ExportOptions {
  /** Absent or `all`: every log type. */
  logType?: LogType | 'all';
  source?: string;
  since?: number;
  until?: number;
  email?: string;
  ip?: string;
  limit?: number;
  format: string;
}

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('Read stored events.');
  events
    .command('export')
    .description('Write stored events to stdout in event-time order, as NDJSON (whole normalized events) or CSV (one column per schema field).')
    .option('--log-type <type>', `only this log type: ${LOG_TYPES.join(', ')}, or all (the default; CSV then has every log type's columns)`, parseLogTypeOrAllOption)
    .option('--source <id>', 'only this source')
    .option('--since <time>', 'from this time, inclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--since'))
    .option('--until <time>', 'up to this time, exclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--until'))
    .option('--email <address>', 'only events naming this email (any email field)')
    .option('--ip <address>', 'only events from this IP address')
    .option('--limit <n>', 'at most this many events', parseIntegerOption('--limit', 1, 100_000_000))
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .action(async (options: ExportOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'ndjson' && options.format !== 'csv') throw new UsageError(`--format must be ndjson or csv, not "${options.format}".`);
        if (options.since !== undefined && options.until !== undefined && options.since >= options.until) throw new UsageError('--since must be before --until.');
        const logType = options.logType === 'all' ? undefined : options.logType;
        const query = { logType, sourceId: options.source, sinceMs: options.since, untilMs: options.until, email: options.email, ipAddress: options.ip, limit: options.limit };
        // The schemas load only for an export, not for every command's start-up.
        const { csvCell, eventCsvColumns, eventCsvLine } = await import('../normalize/event-csv.js');
        const columns = eventCsvColumns(logType);
        if (options.format === 'csv') await write(`${columns.map(csvCell).join(',')}\r\n`);
        for await (const stored of app.store.queryEvents(query)) {
          const line = options.format === 'csv' ? eventCsvLine(columns, stored.event) : `${JSON.stringify(stored.event)}\n`;
          await write(line);
        }
      });
    });
}

/** Writes with backpressure, so exporting millions of rows into a slow pipe stays within memory. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.stdout.write(text)) return resolve();
    process.stdout.once('drain', resolve);
    process.stdout.once('error', reject);
  });
}
