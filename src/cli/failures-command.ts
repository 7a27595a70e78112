import type { Command } from 'commander';
import { LOG_TYPES } from '../zoom/report-records.js';
import { parseIntegerOption } from './option-parsers.js';
import { formatTable, withApp } from './with-app.js';
import { parseLogTypeOption } from './events-command.js';

export function registerFailuresCommand(program: Command): void {
  const failures = program.command('failures').description('Records that failed their schema, kept as classification failures.');
  failures
    .command('list')
    .description('List classification failures: source, log type, day, reason naming the field, and the raw record.')
    .option('--source <id>', 'only this source')
    .option('--log-type <type>', `only this log type: ${LOG_TYPES.join(', ')}`, parseLogTypeOption)
    .option('--limit <n>', 'at most this many', parseIntegerOption('--limit', 1, 10_000_000))
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { source?: string; logType?: (typeof LOG_TYPES)[number]; limit?: number; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        const rows: string[][] = [];
        for await (const f of app.store.listFailures({ sourceId: options.source, logType: options.logType, limit: options.limit })) {
          if (options.format === 'ndjson') {
            process.stdout.write(
              `${JSON.stringify({ row_id: f.rowId, source_id: f.sourceId, log_type: f.logType, day: f.day, reason: f.reason, field: f.field, failed_at: new Date(f.failedAt).toISOString(), raw: f.raw })}\n`,
            );
          } else {
            rows.push([f.sourceId, f.logType, f.day, f.reason, f.raw.length > 80 ? `${f.raw.slice(0, 77)}...` : f.raw]);
          }
        }
        if (options.format !== 'ndjson') process.stdout.write(rows.length ? formatTable(['SOURCE', 'LOG TYPE', 'DAY', 'REASON', 'RAW'], rows) : 'No classification failures.\n');
      });
    });
}
