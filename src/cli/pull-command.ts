import type { Command } from 'commander';
import { resolveRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.js';
import { outboundAccessFor } from '../app/outbound-access.js';
import { systemClock } from '../shared/clock.js';
import type { OutboundAccess } from '../shared/guarded-fetch.js';
import { OPERATION_CATEGORY_FILTERS, streamForLogType } from '../zoom/report-records.js';
import { checkEndpointUrl, ZOOM_COMMERCIAL } from '../zoom/zoom-endpoints.js';
import { EXIT, reportError, UsageError } from './exit-codes.js';
import { parseDayOption, parseIntegerOption } from './option-parsers.js';
import { settingFlags } from './setting-flags.js';

interface PullOptions {
  logType: string;
  from: string;
  to: string;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  apiUrl: string;
  oauthUrl: string;
  categoryType?: string;
  rps: number;
}

/**
 * `zoomtrail pull`: reads one report window with the collector's own Zoom
 * client (S2S credentials) and prints the records as NDJSON, exactly as Zoom
 * sent them. For checking credentials and seeing what Zoom returns.
 */
export function registerPullCommand(program: Command): void {
  program
    .command('pull')
    .description('Read one report window from Zoom (Server-to-Server OAuth) and print its records as NDJSON, as received.')
    .requiredOption('--log-type <type>', 'Zoom.Activity or Zoom.Operation')
    .requiredOption('--from <day>', 'first day, yyyy-mm-dd (UTC)', parseDayOption('--from'))
    .requiredOption('--to <day>', 'last day, yyyy-mm-dd (UTC); at most one month after --from', parseDayOption('--to'))
    .option('--account-id <id>', 'Zoom Account ID (or ZOOMTRAIL_ACCOUNT_ID)')
    .option('--client-id <id>', 'Client ID of the Server-to-Server app (or ZOOMTRAIL_CLIENT_ID)')
    .option('--client-secret <secret>', 'Client Secret; prefer ZOOMTRAIL_CLIENT_SECRET, which stays out of the process list')
    .option('--api-url <url>', 'Zoom API base URL', ZOOM_COMMERCIAL.apiUrl)
    .option('--oauth-url <url>', 'Zoom OAuth base URL', ZOOM_COMMERCIAL.oauthUrl)
    .option('--category-type <filter>', `operation logs only: ${OPERATION_CATEGORY_FILTERS.join(', ')}`)
    .option('--rps <n>', 'requests per second to spend', parseIntegerOption('--rps', 1, 40), 2)
    .action(async (options: PullOptions, command: Command) => {
      process.exitCode = await pull(options, command);
    });
}

async function pull(options: PullOptions, command: Command): Promise<number> {
  try {
    const config = resolveRuntimeConfig({ flags: settingFlags(command) });
    const outbound = outboundAccessFor(config);
    const settings = resolveSettings(options, config, outbound);
    const [{ createLogger }, { readReportWindow }, { LocalRequestBudget }, { connectToZoom }] = await Promise.all([
      import('../shared/logger.js'),
      import('../zoom/report-reader.js'),
      import('../zoom/request-budget.js'),
      import('../zoom/zoom-client-factory.js'),
    ]);
    // Quieter than the other commands unless a log level is set: stdout is the records.
    const logger = createLogger({ level: config.settings?.origins.logLevel.source === 'default' ? 'warn' : config.logLevel }, process.stderr);
    const { client } = connectToZoom({
      endpoints: { apiUrl: options.apiUrl, oauthUrl: options.oauthUrl },
      auth: { kind: 's2s', ...settings.credentials },
      budget: new LocalRequestBudget(systemClock, { requestsPerSecond: options.rps, requestsPerDay: 30_000 }),
      clock: systemClock,
      logger,
      fetchImpl: outbound.fetch,
    });
    let records = 0;
    for await (const page of readReportWindow(client, settings.stream, { from: options.from, to: options.to }, { categoryType: options.categoryType })) {
      if (page.pass > 1 && page.index === 0) process.stderr.write(`page token expired: reading the window again (pass ${page.pass})\n`);
      for (const record of page.records) process.stdout.write(`${JSON.stringify(record)}\n`);
      records += page.records.length;
      if (page.last) {
        const clamped = page.zoomWindow.to !== options.to ? ` (Zoom answered for ${page.zoomWindow.from}..${page.zoomWindow.to})` : '';
        process.stderr.write(`${records} records, ${page.index + 1} pages${clamped}\n`);
      }
    }
    return EXIT.ok;
  } catch (error) {
    return reportError(error);
  }
}

function resolveSettings(options: PullOptions, config: RuntimeConfig, outbound: OutboundAccess) {
  if (options.logType !== 'Zoom.Activity' && options.logType !== 'Zoom.Operation') {
    throw new UsageError(`--log-type must be Zoom.Activity or Zoom.Operation, not "${options.logType}".`);
  }
  const stream = streamForLogType(options.logType);
  if (options.categoryType !== undefined) {
    if (stream.logType !== 'Zoom.Operation') throw new UsageError('--category-type applies to Zoom.Operation only.');
    if (!(OPERATION_CATEGORY_FILTERS as readonly string[]).includes(options.categoryType)) {
      throw new UsageError(`--category-type must be one of ${OPERATION_CATEGORY_FILTERS.join(', ')}.`);
    }
  }
  if (options.from > options.to) throw new UsageError('--from must not be after --to.');
  if (Date.parse(options.to) - Date.parse(options.from) > 30 * 86_400_000) {
    throw new UsageError('Zoom reads at most one month per request: keep --to within 30 days of --from.');
  }
  for (const [name, value] of [
    ['API URL', options.apiUrl],
    ['OAuth URL', options.oauthUrl],
  ] as const) {
    const problem = checkEndpointUrl(name, value, outbound.policy);
    if (problem) throw new UsageError(problem);
  }
  const { accountId, clientId, clientSecret } = config.zoomCredentials ?? {};
  const missing = [
    !accountId && '--account-id (or ZOOMTRAIL_ACCOUNT_ID)',
    !clientId && '--client-id (or ZOOMTRAIL_CLIENT_ID)',
    !clientSecret && 'ZOOMTRAIL_CLIENT_SECRET (or --client-secret)',
  ].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}.`);
  return { stream, credentials: { accountId: accountId!, clientId: clientId!, clientSecret: clientSecret! } };
}
