import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { isHistoryRule } from '../detect/history-rule.js';
import type { Rule } from '../detect/rule.js';
import { runRuleTests } from '../detect/rule-test-runner.js';
import { DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import { findRule, RULES } from '../rules/rule-registry.js';
import { UnknownSourceError } from '../store/store-errors.js';
import { LOG_TYPES, type LogType } from '../zoom/report-records.js';
import { EXIT, reportError, UsageError } from './exit-codes.js';
import { parseLogTypeOption } from './events-command.js';
import { parseIntegerOption, parseTimeOption } from './option-parsers.js';
import { readRunInput, rulesForLogType, runRulesOnEvent } from './rules-run.js';
import { formatTable, withApp } from './with-app.js';
import { visibleLines } from './terminal-text.js';

export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('List, test, run and replay the detection rules; enable or disable them; see their errors.');

  rules
    .command('list')
    .description(
      'List the rules: id, severity, enabled (your choice, else the default), log types, dedup period, threshold, ' +
        'for history rules whether they are still learning (and until when) and their settings, and name.',
    )
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        checkFormat(options.format);
        const overrides = await app.store.ruleEnabledOverrides();
        const { historyRuleStatuses, formatRuleSettings } = await import('../detect/history-status.js');
        const statuses = await historyRuleStatuses(app.store, RULES, app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, app.clock.now());
        const rows = RULES.map((rule) => ({ rule, enabled: overrides.get(rule.meta.id) ?? rule.meta.enabled, history: statuses.get(rule.meta.id) }));
        if (options.format === 'ndjson') {
          for (const {
            rule: { meta },
            enabled,
            history,
          } of rows) {
            process.stdout.write(
              `${JSON.stringify({ id: meta.id, displayName: meta.displayName, severity: meta.severity, enabled, defaultEnabled: meta.enabled, logTypes: meta.logTypes, dedupPeriodMinutes: meta.dedupPeriodMinutes, threshold: meta.threshold, ...(history ? { history } : {}) })}\n`,
            );
          }
          return;
        }
        const table = rows.map(({ rule: { meta }, enabled, history }) => [
          meta.id,
          meta.severity,
          enabled ? 'yes' : 'no',
          meta.logTypes.join(','),
          String(meta.dedupPeriodMinutes),
          String(meta.threshold),
          history ? (history.learning ? `learning until ${history.learningUntil!}` : 'ready') : '',
          history ? formatRuleSettings(history.settings) : '',
          meta.displayName,
        ]);
        process.stdout.write(formatTable(['ID', 'SEVERITY', 'ENABLED', 'LOG TYPES', 'DEDUP MIN', 'THRESHOLD', 'HISTORY', 'SETTINGS', 'NAME'], table));
      });
    });

  rules
    .command('test')
    .description("Run every rule's own unit tests (no data directory needed): one PASS/FAIL line per test, then a summary; exit 1 on any failure.")
    .option('--rule <id>', 'only this rule')
    .action((options: { rule?: string }) => {
      try {
        const selected = options.rule === undefined ? RULES : [knownRule(options.rule)];
        let passed = 0;
        let failed = 0;
        const lines: string[] = [];
        for (const rule of selected) {
          for (const result of runRuleTests(rule)) {
            if (result.passed) {
              passed++;
              lines.push(`PASS ${result.ruleId} ${result.testName}`);
            } else {
              failed++;
              lines.push(`FAIL ${result.ruleId} ${result.testName}: ${result.problems.join('; ')}`);
            }
          }
        }
        lines.push(`${passed} passed, ${failed} failed`);
        process.stdout.write(visibleLines(lines));
        process.exitCode = failed > 0 ? EXIT.unexpected : EXIT.ok;
      } catch (error) {
        process.exitCode = reportError(error);
      }
    });

  rules
    .command('run')
    .description(
      'Run the rules of a log type on events given as NDJSON (or one JSON array) from --input or stdin, exactly as given (no schema check, no data directory). ' +
        'Prints one NDJSON line per match {index, rule_id, title, severity, dedup} and per rule error {index, rule_id, error}; ' +
        'a line that is not a JSON object prints {index, error} and makes the exit code 2.',
    )
    .requiredOption('--log-type <type>', LOG_TYPES.join(' or '), parseLogTypeOption)
    .option('--input <file>', 'read events from this file instead of stdin')
    .option('--all', 'include rules disabled by default')
    .action(async (options: { logType: LogType; input?: string; all?: boolean }) => {
      try {
        const selected = rulesForLogType(options.logType, options.all === true);
        let input: Readable = process.stdin;
        if (options.input !== undefined) {
          const info = await stat(options.input).catch((error: NodeJS.ErrnoException) => {
            throw new UsageError(`--input ${options.input}: cannot read it (${error.code ?? error.message}).`);
          });
          if (!info.isFile()) throw new UsageError(`--input ${options.input} is not a file.`);
          input = createReadStream(options.input);
        }
        let bad = 0;
        for await (const item of readRunInput(input)) {
          if ('error' in item) {
            bad++;
            await write(`${JSON.stringify({ index: item.index, error: item.error })}\n`);
            continue;
          }
          const out = runRulesOnEvent(selected, item.index, item.event);
          if (out.length > 0) await write(out.map((o) => `${JSON.stringify(o)}\n`).join(''));
        }
        process.exitCode = bad > 0 ? EXIT.usage : EXIT.ok;
      } catch (error) {
        process.exitCode = reportError(error);
      }
    });

  rules
    .command('replay')
    .description(
      'Run the rules over stored events (event-time order) and show the alerts they would have raised, grouped as detection groups them. ' +
        'Writes nothing and sends nothing; a summary goes to stderr.',
    )
    .option('--since <time>', 'from this event time, inclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--since'))
    .option('--until <time>', 'up to this event time, exclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--until'))
    .option('--source <id>', 'only events of this source')
    .option('--rule <id>', 'only this rule (even if disabled); default every enabled rule')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { since?: number; until?: number; source?: string; rule?: string; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        checkFormat(options.format);
        if (options.since !== undefined && options.until !== undefined && options.since >= options.until) throw new UsageError('--since must be before --until.');
        if (options.source !== undefined && !(await app.store.getSource(options.source))) throw new UnknownSourceError(options.source);
        let selected: readonly Rule[];
        if (options.rule !== undefined) {
          selected = [knownRule(options.rule)];
        } else {
          const overrides = await app.store.ruleEnabledOverrides();
          selected = RULES.filter((rule) => overrides.get(rule.meta.id) ?? rule.meta.enabled);
        }
        const [{ replayRules }, { HistoryDetector }, { privilegeGrantOf }] = await Promise.all([
          import('./rules-replay.js'),
          import('../detect/history-detector.js'),
          import('../rules/zoom/privilege-then-weakening.js'),
        ]);
        const historyRules = selected.filter(isHistoryRule);
        const history = new HistoryDetector({
          store: app.store,
          rules: historyRules,
          settings: app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS,
          privilegeGrant: privilegeGrantOf,
          clock: app.clock,
          logger: app.logger,
        });
        const { events, waiting, ruleErrors, raised } = await replayRules(
          selected,
          app.store.queryEvents({ sinceMs: options.since, untilMs: options.until, sourceId: options.source }),
          undefined,
          historyRules.length > 0 ? (chunk) => history.evaluate(chunk, historyRules) : undefined,
        );
        if (options.format === 'ndjson') {
          for (const g of raised) {
            await write(
              `${JSON.stringify({ rule_id: g.ruleId, severity: g.severity, first_event_time: iso(g.firstEventMs), last_event_time: iso(g.lastEventMs), event_count: g.eventCount, title: g.title, dedup: g.dedup })}\n`,
            );
          }
        } else if (raised.length > 0) {
          const rows = raised.map((g) => [g.ruleId, g.severity, iso(g.firstEventMs), iso(g.lastEventMs), String(g.eventCount), g.title]);
          await write(formatTable(['RULE', 'SEVERITY', 'FIRST EVENT', 'LAST EVENT', 'COUNT', 'TITLE'], rows));
        } else {
          await write('No alerts would have been raised.\n');
        }
        process.stderr.write(`replayed ${events} events: ${raised.length} alert(s) would have been raised, ${ruleErrors} rule error(s)\n`);
        if (waiting > 0) process.stderr.write(`${waiting} event(s) not evaluated by the history rules: their look-back is not complete yet (see \`zoomtrail health\`)\n`);
      });
    });

  rules
    .command('errors')
    .description('List recorded rule errors (a rule function that threw on a stored event), newest first.')
    .option('--rule <id>', 'only this rule')
    .option('--limit <n>', 'at most this many', parseIntegerOption('--limit', 1, 1_000_000), 100)
    .action(async (options: { rule?: string; limit: number }, command: Command) => {
      await withApp(command, async (app) => {
        const errors = await app.store.listRuleErrors({ ruleId: options.rule, limit: options.limit });
        if (errors.length === 0) {
          process.stdout.write('No rule errors.\n');
          return;
        }
        const rows = errors.map((e) => [iso(e.at), e.ruleId, e.functionName, e.rowId, e.message]);
        process.stdout.write(formatTable(['TIME', 'RULE', 'FUNCTION', 'ROW ID', 'MESSAGE'], rows));
      });
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    rules
      .command(name)
      .description(`${enabled ? 'Enable' : 'Disable'} a rule: detection ${enabled ? 'runs it on' : 'stops running it on'} new events.`)
      .argument('<id>', 'rule id, from `zoomtrail rules list`')
      .action(async (id: string, _options: unknown, command: Command) => {
        await withApp(command, async (app) => {
          const rule = knownRule(id);
          await app.store.setRuleEnabled(rule.meta.id, enabled);
          process.stderr.write(`Rule ${rule.meta.id} is now ${enabled ? 'enabled' : 'disabled'}.\n`);
        });
      });
  }
}

function knownRule(id: string): Rule {
  const rule = findRule(id);
  if (!rule) throw new UsageError(`There is no rule "${id}"; \`zoomtrail rules list\` shows the rule ids.`);
  return rule;
}

function checkFormat(format: string): void {
  if (format !== 'table' && format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${format}".`);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Writes to stdout with backpressure, so big inputs and outputs stay within memory. */
export function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.stdout.write(text)) return resolve();
    process.stdout.once('drain', resolve);
    process.stdout.once('error', reject);
  });
}
