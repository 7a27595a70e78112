import { InvalidArgumentError, type Command } from 'commander';
import { recordCliAudit } from './cli-audit.js';
import { SEVERITIES, type Severity } from '../domain/severity.js';
import type { findRule } from '../rules/rule-registry.js';
import { ALERT_SORTS, ALERT_STATUSES, alertPosition, type AlertFilter, type AlertRecord, type AlertSort, type AlertStatus } from '../store/alert-store.js';
import { UnknownAlertError } from '../store/store-errors.js';
import { UsageError } from './exit-codes.js';
import { parseIntegerOption } from './option-parsers.js';
import { iso } from './rules-command.js';
import { formatTable, withApp } from './with-app.js';
import { indentedTable, visibleLines } from './terminal-text.js';

/** A comma-separated list of allowed values, e.g. `--status open,acknowledged`. */
function parseListOption<T extends string>(name: string, allowed: readonly T[], normalize: (v: string) => string = (v) => v): (value: string) => T[] {
  return (value) => {
    const items = value
      .split(',')
      .map((v) => normalize(v.trim()))
      .filter((v) => v !== '');
    const wrong = items.filter((v) => !(allowed as readonly string[]).includes(v));
    if (items.length === 0 || wrong.length > 0) throw new InvalidArgumentError(`${name} takes a comma-separated list of ${allowed.join(', ')}, not "${value}".`);
    return items as T[];
  };
}

interface ListOptions {
  status?: AlertStatus[];
  severity?: Severity[];
  rule?: string;
  limit: number;
  all?: boolean;
  sort: AlertSort;
  format: string;
}

/** Alerts read per store query while listing. */
const LIST_PAGE = 500;

const SORT_WORDS: Record<AlertSort, string> = {
  'last-event': 'newest last event first',
  severity: 'most severe first',
  status: 'open, acknowledged, then resolved',
  raised: 'newest raised first',
  rule: 'by rule id',
  assignee: 'by assignee, unassigned first',
};

function parseSortOption(value: string): AlertSort {
  if (!(ALERT_SORTS as readonly string[]).includes(value)) throw new InvalidArgumentError(`--sort takes one of ${ALERT_SORTS.join(', ')}, not "${value}".`);
  return value as AlertSort;
}

export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('List, show, acknowledge, resolve and reopen alerts.');

  alerts
    .command('list')
    .description(
      'List raised alerts, newest last event first (--sort to change), at most --limit (100) of them unless --all; ' +
        'when more match than are shown, a line on stderr says how many.',
    )
    .option('--status <list>', `only these statuses, comma-separated: ${ALERT_STATUSES.join(', ')}`, parseListOption('--status', ALERT_STATUSES))
    .option(
      '--severity <list>',
      `only these severities, comma-separated: ${SEVERITIES.join(', ')}`,
      parseListOption('--severity', SEVERITIES, (v) => v.toUpperCase()),
    )
    .option('--rule <id>', 'only alerts of this rule')
    .option('--sort <sort>', `${ALERT_SORTS.map((sort) => `${sort} (${SORT_WORDS[sort]})`).join(', ')}`, parseSortOption, 'last-event')
    .option('--limit <n>', 'show at most this many', parseIntegerOption('--limit', 1, 1_000_000), 100)
    .option('--all', 'show every matching alert (instead of --limit)')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: ListOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        const filter: AlertFilter = { status: options.status, severity: options.severity, ruleId: options.rule };
        const wanted = options.all ? Number.POSITIVE_INFINITY : options.limit;
        const list: AlertRecord[] = [];
        while (list.length < wanted) {
          const last = list.at(-1);
          const page = await app.store.listAlerts({
            ...filter,
            sort: options.sort,
            limit: Math.min(LIST_PAGE, wanted - list.length),
            ...(last ? { after: alertPosition(last) } : {}),
          });
          list.push(...page);
          if (page.length === 0 || list.length >= wanted) break;
        }
        if (options.format === 'ndjson') {
          const rules = await ruleRegistry();
          for (const a of list) process.stdout.write(`${JSON.stringify(alertJson(a, rules))}\n`);
        } else if (list.length === 0) {
          process.stdout.write('No alerts.\n');
        } else {
          const rows = list.map((a) => [a.id, iso(a.lastEventMs), iso(a.raisedAt ?? a.createdAt), a.severity, a.status, String(a.eventCount), a.ruleId, a.title]);
          process.stdout.write(formatTable(['ID', 'LAST EVENT', 'RAISED', 'SEVERITY', 'STATUS', 'EVENTS', 'RULE', 'TITLE'], rows));
        }
        // On stderr, so a pipe gets the alerts only.
        const total = list.length < wanted ? list.length : await app.store.countAlerts(filter);
        if (total > list.length) {
          process.stderr.write(`Showing ${list.length} of ${total} alerts (${SORT_WORDS[options.sort]}); use --all, or --limit <n>, to see more.\n`);
        }
      });
    });

  alerts
    .command('show')
    .description('Show an alert: its fields, the row ids of its events, and its deliveries to each destination.')
    .argument('<id>', 'alert id, from `zoomtrail alerts list`')
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        const alert = await app.store.getAlert(id);
        if (!alert) throw new UnknownAlertError(id);
        const rowIds = await app.store.alertRowIds(id, 50);
        const deliveries = await app.store.listDeliveries({ alertId: id });
        const names = new Map((await app.store.listDestinations()).map((d) => [d.id, d.name]));
        const rules = await ruleRegistry();
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify({ alert: alertJson(alert, rules), rowIds, deliveries }, null, 2)}\n`);
          return;
        }
        const lines = [
          `${alert.title}`,
          `  id: ${alert.id}`,
          `  rule: ${alert.ruleId} (${ruleName(alert, rules)})${alert.type === 'system' ? ', system alert' : ''}`,
          `  severity: ${alert.severity}`,
          `  status: ${alert.status}${alert.statusChangedAt !== null ? ` since ${iso(alert.statusChangedAt)}` : ''}${alert.statusNote ? ` (note: ${alert.statusNote})` : ''}`,
          `  raised: ${alert.raisedAt !== null ? iso(alert.raisedAt) : 'not yet (below threshold)'}`,
          `  events: ${alert.eventCount}, first ${iso(alert.firstEventMs)}, last ${iso(alert.lastEventMs)} (dedup period ${Math.round(alert.dedupPeriodMs / 60_000)} min, threshold ${alert.threshold})`,
          `  dedup: ${alert.dedup}`,
        ];
        if (Object.keys(alert.context).length > 0) lines.push(`  context: ${JSON.stringify(alert.context)}`);
        lines.push('', `Event row ids${alert.eventCount > rowIds.length ? ` (first ${rowIds.length} of ${alert.eventCount})` : ''}:`, ...rowIds.map((r) => `  ${r}`));
        lines.push('');
        if (deliveries.length === 0) {
          lines.push('Deliveries: none.');
        } else {
          lines.push('Deliveries:');
          const rows = deliveries.map((d) => [
            names.get(d.destinationId) ?? d.destinationId,
            d.notice,
            d.state,
            String(d.attempts),
            d.deliveredAt !== null ? iso(d.deliveredAt) : d.state === 'pending' ? `next ${iso(d.nextAttemptAt)}` : '-',
            d.lastError ?? '',
          ]);
          lines.push(...indentedTable(formatTable(['DESTINATION', 'NOTICE', 'STATE', 'ATTEMPTS', 'DELIVERED', 'LAST ERROR'], rows)));
        }
        process.stdout.write(visibleLines(lines));
      });
    });

  const transitions: Array<[name: string, status: AlertStatus, words: string, note: boolean]> = [
    ['ack', 'acknowledged', 'Acknowledge an alert (someone is on it).', true],
    ['resolve', 'resolved', 'Resolve an alert; destinations told about it get a resolved notice.', true],
    ['reopen', 'open', 'Reopen an acknowledged or resolved alert.', false],
  ];
  for (const [name, status, words, takesNote] of transitions) {
    const sub = alerts.command(name).description(words).argument('<id>', 'alert id, from `zoomtrail alerts list`');
    if (takesNote) sub.option('--note <text>', 'a note kept with the status');
    sub.action(async (id: string, options: { note?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const before = await app.store.getAlert(id);
        const updated = await app.store.setAlertStatus(id, status, options.note, 'cli');
        await recordCliAudit(app, {
          action: 'alerts.status',
          objectType: 'alerts',
          objectId: id,
          before: before ? { status: before.status } : null,
          after: { status: updated.status },
          change: { status, note: options.note ?? null },
        });
        process.stdout.write(`${updated.id} ${updated.status}\n`);
      });
    });
  }

  alerts
    .command('assign')
    .description('Assign an alert to a console user (--none: to nobody); kept in its history.')
    .argument('<id>', 'alert id, from `zoomtrail alerts list`')
    .argument('[user]', 'a console user name')
    .option('--none', 'unassign')
    .option('--note <text>', 'a note kept with the change')
    .action(async (id: string, user: string | undefined, options: { none?: boolean; note?: string }, command: Command) => {
      await withApp(command, async (app) => {
        if ((user === undefined) === !options.none) throw new UsageError('Give a user name, or --none to unassign.');
        if (user !== undefined && !(await app.store.listUsers()).some((u) => u.username === user && u.disabledAt === null)) {
          throw new UsageError(`"${user}" is not a console user who can sign in; see \`zoomtrail users list\`.`);
        }
        const before = await app.store.getAlert(id);
        const updated = await app.store.assignAlert(id, user ?? null, options.note, 'cli');
        await recordCliAudit(app, {
          action: 'alerts.assign',
          objectType: 'alerts',
          objectId: id,
          before: before ? { assignee: before.assignee } : null,
          after: { assignee: updated.assignee },
          change: { assignee: user ?? null, note: options.note ?? null },
        });
        process.stdout.write(`${updated.id} ${updated.assignee ?? '(nobody)'}\n`);
      });
    });

  alerts
    .command('comment')
    .description("Add a comment to an alert's history.")
    .argument('<id>', 'alert id')
    .argument('<text>', 'the comment')
    .action(async (id: string, text: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        if (text.trim() === '') throw new UsageError('The comment is empty.');
        const entry = await app.store.commentOnAlert(id, text.trim(), 'cli');
        await recordCliAudit(app, { action: 'alerts.comments.create', objectType: 'alerts', objectId: id, before: null, after: { id: entry.id }, change: { note: entry.note } });
        process.stdout.write(`${id} commented\n`);
      });
    });

  alerts
    .command('history')
    .description("An alert's history: every status change, assignment and comment, oldest first.")
    .argument('<id>', 'alert id')
    .option('--format <format>', 'table or json', 'table')
    .action(async (id: string, options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (!(await app.store.getAlert(id))) throw new UnknownAlertError(id);
        const history = await app.store.alertHistory(id);
        if (options.format === 'json') {
          process.stdout.write(
            `${JSON.stringify(
              history.map((h) => ({ ...h, time: iso(h.at) })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        const rows = history.map((h) => [iso(h.at), h.actor, h.kind, h.kind === 'comment' ? '' : `${h.from ?? '-'} -> ${h.to ?? '-'}`, h.note ?? '']);
        process.stdout.write(rows.length === 0 ? 'No changes yet.\n' : formatTable(['TIME', 'BY', 'WHAT', 'CHANGE', 'NOTE'], rows));
      });
    });
}

/** The built-in rules, loaded when an action names them: the other commands (and `--help`) start without them. */
async function ruleRegistry(): Promise<{ findRule: typeof findRule }> {
  return import('../rules/rule-registry.js');
}

function ruleName(alert: AlertRecord, rules: { findRule: typeof findRule }): string {
  return rules.findRule(alert.ruleId)?.meta.displayName ?? alert.ruleId;
}

/** The record with the rule's display name and its times as ISO strings alongside. */
function alertJson(alert: AlertRecord, rules: { findRule: typeof findRule }): Record<string, unknown> {
  return {
    ...alert,
    ruleDisplayName: ruleName(alert, rules),
    raisedTime: alert.raisedAt !== null ? new Date(alert.raisedAt).toISOString() : null,
    firstEventTime: new Date(alert.firstEventMs).toISOString(),
    lastEventTime: new Date(alert.lastEventMs).toISOString(),
  };
}
