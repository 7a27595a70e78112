import { createReadStream } from 'node:fs';
import { recordCliAudit } from './cli-audit.js';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Option, type Command } from 'commander';
import { isHistoryRule } from '../detect/history-rule.js';
import type { Rule } from '../detect/rule.js';
import type { RuleTestResult, runRuleTests } from '../detect/rule-test-runner.js';
import { DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import { formatRuleLoadError } from '../rules/user/rule-load-error.js';
import type { UserRuleSet } from '../rules/user/user-rule-set.js';
import { UnknownSourceError } from '../store/store-errors.js';
import { LOG_TYPES, type LogType } from '../zoom/report-records.js';
import { EXIT, reportError, UsageError } from './exit-codes.js';
import { parseLogTypeOption } from './events-command.js';
import { parseDuration, parseIntegerOption, parseTimeOption } from './option-parsers.js';
import { RULE_ID, scaffoldRule } from './rules-scaffold.js';
import { registerRuleTuningCommands } from './rules-tuning-command.js';
import { registerRulesReloadCommand } from './rules-reload-command.js';
import { settingFlags } from './setting-flags.js';
import { formatTable, withApp, withReadOnlyApp } from './with-app.js';
import { visibleLines } from './terminal-text.js';

export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('List, test, run and replay the detection rules; enable or disable them; see their errors.');

  rules
    .command('list')
    .description(
      'List the rules, built-in and from the rules directory: id, severity, enabled (your choice, else the default), log types, dedup period, threshold, ' +
        'for history rules whether they are still learning (and until when) and their settings, source (built-in or file) and name; ' +
        'then every rule file that did not load, with file, line, field and fix.',
    )
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withReadOnlyApp(command, async (app) => {
        checkFormat(options.format);
        const set = await loadRuleSet(command, app.config.rulesDir);
        const tunings = await app.store.listRuleTunings();
        const { effectiveSettings } = await import('../detect/rule-tuning.js');
        const { historyRuleStatuses, formatRuleSettings } = await import('../detect/history-status.js');
        const statuses = await historyRuleStatuses(app.store, set.all(), app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, app.clock.now());
        const rows = set.all().map((rule) => {
          const effective = effectiveSettings(rule.meta, tunings.get(rule.meta.id));
          return {
            // The metadata as it runs: tuned values in place of the rule's own (`rules tuning <id>` shows both).
            rule: { meta: { ...rule.meta, severity: effective.severity, dedupPeriodMinutes: effective.dedupPeriodMinutes, threshold: effective.threshold } },
            enabled: effective.enabled,
            tuned: tunings.has(rule.meta.id),
            history: statuses.get(rule.meta.id),
            source: set.fileOf(rule.meta.id) ?? 'built-in',
          };
        });
        if (options.format === 'ndjson') {
          for (const {
            rule: { meta },
            enabled,
            tuned,
            history,
            source,
          } of rows) {
            process.stdout.write(
              `${JSON.stringify({ id: meta.id, displayName: meta.displayName, severity: meta.severity, enabled, defaultEnabled: meta.enabled, tuned, logTypes: meta.logTypes, dedupPeriodMinutes: meta.dedupPeriodMinutes, threshold: meta.threshold, ...(history ? { history } : {}), source })}\n`,
            );
          }
          for (const e of set.errors)
            process.stdout.write(`${JSON.stringify({ loadError: { file: e.file, line: e.line ?? null, field: e.field ?? null, message: e.message, fix: e.fix } })}\n`);
          return;
        }
        const table = rows.map(({ rule: { meta }, enabled, tuned, history, source }) => [
          meta.id,
          meta.severity,
          enabled ? 'yes' : 'no',
          meta.logTypes.join(','),
          String(meta.dedupPeriodMinutes),
          String(meta.threshold),
          history ? (history.learning ? `learning until ${history.learningUntil!}` : 'ready') : '',
          history ? formatRuleSettings(history.settings) : '',
          source,
          // Tuned values are shown in place of the rule's own; `rules tuning <id>` shows both.
          tuned ? `${meta.displayName} (tuned)` : meta.displayName,
        ]);
        process.stdout.write(formatTable(['ID', 'SEVERITY', 'ENABLED', 'LOG TYPES', 'DEDUP MIN', 'THRESHOLD', 'HISTORY', 'SETTINGS', 'SOURCE', 'NAME'], table));
        if (set.errors.length > 0) {
          process.stdout.write(`\nRule files that did not load (their rules do not run; the others do):\n`);
          for (const e of set.errors) process.stdout.write(`LOAD ERROR ${formatRuleLoadError(e)}\n`);
        }
        process.stderr.write(`rules directory ${set.dir}: ${set.userRules.length} rule(s), ${set.errors.length} load error(s), digest ${set.digest.slice(0, 12)}\n`);
      });
    });

  rules
    .command('test')
    .description(
      "Run the rules' own unit tests, built-in and from the rules directory (no data directory needed): one PASS/FAIL line per test with the difference, " +
        'a LOAD ERROR line per rule file that did not load, then a summary; exit 1 on any failure or load error.',
    )
    .option('--dir <dir>', 'the rules directory (default: ZOOMTRAIL_RULES_DIR, else rules/ beside the data directory)')
    .option('--id <id>', 'only this rule')
    .addOption(new Option('--rule <id>', 'same as --id').hideHelp())
    .action(async (options: { dir?: string; id?: string; rule?: string }, command: Command) => {
      try {
        const set = await loadRuleSet(command, options.dir);
        const only = options.id ?? options.rule;
        const selected = only === undefined ? set.all() : [knownRule(set, only)];
        let passed = 0;
        let failed = 0;
        const lines: string[] = [];
        for (const e of only === undefined ? set.errors : set.errors.filter((x) => x.file === set.fileOf(only))) {
          failed++;
          lines.push(`LOAD ERROR ${formatRuleLoadError(e)}`);
        }
        const { runRuleTests } = await import('../detect/rule-test-runner.js');
        for (const rule of selected) {
          for (const result of guardedTests(set, rule, runRuleTests)) {
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
    .command('new')
    .description('Write a new rule file to the rules directory: TypeScript (or YAML with --yaml), with one event it matches and one it does not as its tests.')
    .argument('<id>', 'the rule id, dotted words, e.g. Acme.Zoom.Role.Deleted')
    .option('--yaml', "a YAML file (Panther's simple detection format) instead of TypeScript")
    .option('--dir <dir>', 'the rules directory (default: ZOOMTRAIL_RULES_DIR, else rules/ beside the data directory)')
    .action(async (id: string, options: { yaml?: boolean; dir?: string }, command: Command) => {
      try {
        if (!RULE_ID.test(id)) throw new UsageError(`"${id}" is not a rule id: use dotted words of letters and digits, e.g. Acme.Zoom.Role.Deleted.`);
        const set = await loadRuleSet(command, options.dir);
        if (set.find(id)) throw new UsageError(`There is already a rule ${id}${set.fileOf(id) ? ` (${set.fileOf(id)})` : ' (built in)'}; choose another id.`);
        const { fileName, text } = scaffoldRule(id, options.yaml === true);
        const { mkdir, writeFile } = await import('node:fs/promises');
        const path = await import('node:path');
        await mkdir(set.dir, { recursive: true });
        const file = path.join(set.dir, fileName);
        await writeFile(file, text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(error.code === 'EEXIST' ? `${file} exists already; remove it or choose another id.` : `cannot write ${file}: ${error.message}`);
        });
        process.stdout.write(`${file}\n`);
        process.stderr.write(
          `Created ${file}. Edit it, then: zoomtrail rules test --id ${id}; zoomtrail rules backtest ${id} --since 30d. A running Zoomtrail picks it up within seconds.\n`,
        );
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
    .action(async (options: { logType: LogType; input?: string; all?: boolean }, command: Command) => {
      try {
        const [set, { readRunInput, rulesForLogType, runRulesOnEvent }] = await Promise.all([loadRuleSet(command), import('./rules-run.js')]);
        const selected = rulesForLogType(options.logType, options.all === true, set.all());
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
        const set = await loadRuleSet(command, app.config.rulesDir);
        // Grouped as detection groups: with each rule's tuning (enabled, severity, dedup period, threshold).
        const tunings = await app.store.listRuleTunings();
        let selected: readonly Rule[];
        if (options.rule !== undefined) {
          selected = [knownRule(set, options.rule)];
        } else {
          selected = set.all().filter((rule) => tunings.get(rule.meta.id)?.enabled ?? rule.meta.enabled);
        }
        const [{ replayRules }, { HistoryDetector }, { privilegeGrantOf }] = await Promise.all([
          import('../detect/rules-replay.js'),
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
          set.guard,
          tunings,
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
    .command('backtest')
    .description(
      'Run one rule (enabled or not, built-in or from the rules directory) over the stored history and print the alerts it would have raised, ' +
        'grouped with its dedup period and threshold. Writes nothing and sends nothing; a summary goes to stderr.',
    )
    .argument('<id>', 'rule id, from `zoomtrail rules list`')
    .option('--since <when>', 'from this long ago (30d, 12h) or this time (yyyy-mm-dd, RFC 3339)', '30d')
    .option('--until <time>', 'up to this event time, exclusive: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--until'))
    .option('--source <id>', 'only events of this source')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (id: string, options: { since: string; until?: number; source?: string; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        checkFormat(options.format);
        const set = await loadRuleSet(command, app.config.rulesDir);
        const rule = knownRule(set, id);
        const ago = parseDuration(options.since);
        const sinceMs = ago !== undefined && /[smhd]$/i.test(options.since.trim()) ? app.clock.now() - ago : parseTimeOption('--since')(options.since);
        if (options.until !== undefined && sinceMs >= options.until) throw new UsageError('--since must be before --until.');
        if (options.source !== undefined && !(await app.store.getSource(options.source))) throw new UnknownSourceError(options.source);
        const [{ backtestRule }, { effectiveSettings }] = await Promise.all([import('../rules/rule-backtest.js'), import('../detect/rule-tuning.js')]);
        // Grouped as detection would group it now: with the rule's tuning, if any.
        const tuning = await app.store.getRuleTuning(rule.meta.id);
        const effective = effectiveSettings(rule.meta, tuning);
        const { events, ruleErrors, raised } = await backtestRule({
          store: app.store,
          rule,
          sinceMs,
          untilMs: options.until,
          sourceId: options.source,
          historySettings: app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS,
          guard: set.guard,
          tuning,
          clock: app.clock,
          logger: app.logger,
        });
        if (options.format === 'ndjson') {
          for (const g of raised) {
            await write(
              `${JSON.stringify({ rule_id: g.ruleId, severity: g.severity, first_event_time: iso(g.firstEventMs), last_event_time: iso(g.lastEventMs), event_count: g.eventCount, title: g.title, dedup: g.dedup, row_ids: g.rowIds })}\n`,
            );
          }
        } else if (raised.length > 0) {
          const rows = raised.map((g) => [g.severity, iso(g.firstEventMs), iso(g.lastEventMs), String(g.eventCount), g.dedup, g.title]);
          await write(formatTable(['SEVERITY', 'FIRST EVENT', 'LAST EVENT', 'COUNT', 'DEDUP', 'TITLE'], rows));
        } else {
          await write(`${rule.meta.id} would have raised no alerts.\n`);
        }
        const matched = raised.reduce((n, g) => n + g.eventCount, 0);
        process.stderr.write(
          `backtest of ${rule.meta.id} over ${events} event(s) since ${iso(sinceMs)}: ${raised.length} alert(s) from ${matched} grouped match(es) ` +
            `(dedup ${effective.dedupPeriodMinutes} min, threshold ${effective.threshold}${tuning ? ', tuned' : ''}), ${ruleErrors} rule error(s); nothing was written\n`,
        );
      });
    });

  rules
    .command('suppress')
    .description(
      'Stop a rule (built-in or yours) alerting on some events: with the same match expressions as YAML rules (--when), or the shortcuts --operator and --cidr. ' +
        'Matches held back are counted (`zoomtrail rules suppressions`), never silently dropped.',
    )
    .argument('<id>', 'rule id, from `zoomtrail rules list`')
    .requiredOption('--reason <text>', 'why (shown with the suppression)')
    .option('--operator <email...>', 'events whose operator (or email, for sign-ins) is one of these')
    .option('--cidr <cidr...>', 'events whose IP address is in one of these blocks')
    .option('--when <expressions>', "match expressions as YAML or JSON (a list; all must hold), e.g. '[{Key: action, Condition: Equals, Value: Delete}]'")
    .option('--until <time>', 'no longer applies after this time: yyyy-mm-dd (UTC) or RFC 3339', parseTimeOption('--until'))
    .option('--by <name>', 'who adds it (default: the user name of this shell)')
    .action(async (id: string, options: { reason: string; operator?: string[]; cidr?: string[]; when?: string; until?: number; by?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const rule = knownRule(await loadRuleSet(command, app.config.rulesDir), id);
        const match: unknown[] = [];
        if (options.when !== undefined) {
          const { parseYaml } = await import('../shared/parse-yaml.js');
          const parsed = parseYaml(options.when);
          match.push(...(Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]));
        }
        if (options.operator)
          match.push({
            Any: [
              { Key: 'operator', Condition: 'IsIn', Values: options.operator },
              { Key: 'email', Condition: 'IsIn', Values: options.operator },
            ],
          });
        if (options.cidr) match.push({ KeyPath: 'p_any_ip_addresses[*]', Condition: 'IsIPAddressInCIDR', Value: options.cidr });
        if (match.length === 0) throw new UsageError('Say which events to hold back: --when, --operator or --cidr.');
        const { compileExpressionList, MatchExpressionError } = await import('../detect/match-expression.js');
        try {
          compileExpressionList(match, ['when']);
        } catch (error) {
          if (error instanceof MatchExpressionError) throw new UsageError(`--when: ${error.path.join('.')}: ${error.message}; ${error.fix}.`);
          throw error;
        }
        if (options.until !== undefined && options.until <= app.clock.now()) throw new UsageError('--until is in the past.');
        const { userInfo } = await import('node:os');
        const created = await app.store.createSuppression({
          ruleId: rule.meta.id,
          match,
          reason: options.reason,
          untilMs: options.until ?? null,
          createdBy: options.by ?? userInfo().username,
        });
        await recordCliAudit(app, { action: 'rules.suppressions.create', objectType: 'rules', objectId: rule.meta.id, after: created });
        process.stdout.write(`${created.id}\n`);
        process.stderr.write(
          `Rule ${rule.meta.id} no longer alerts on matching events${options.until !== undefined ? ` until ${iso(options.until)}` : ''}; remove with: zoomtrail rules unsuppress ${created.id}\n`,
        );
      });
    });

  rules
    .command('suppressions')
    .description('List rule suppressions: rule, reason, who and when, until, and how many matches each held back.')
    .option('--rule <id>', 'only this rule')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { rule?: string; format: string }, command: Command) => {
      await withApp(command, async (app) => {
        checkFormat(options.format);
        const list = await app.store.listSuppressions(options.rule !== undefined ? { ruleId: options.rule } : {});
        if (options.format === 'ndjson') {
          for (const x of list) await write(`${JSON.stringify(x)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('No suppressions.\n');
          return;
        }
        const now = app.clock.now();
        const rows = list.map((x) => [
          x.id,
          x.ruleId,
          String(x.suppressedCount),
          x.untilMs === null ? '-' : `${iso(x.untilMs)}${x.untilMs <= now ? ' (ended)' : ''}`,
          `${x.createdBy} ${iso(x.createdAt)}`,
          x.reason,
          JSON.stringify(x.match),
        ]);
        process.stdout.write(formatTable(['ID', 'RULE', 'HELD BACK', 'UNTIL', 'ADDED', 'REASON', 'WHEN'], rows));
      });
    });

  rules
    .command('unsuppress')
    .description('Remove a rule suppression: its rule alerts on those events again.')
    .argument('<suppression-id>', 'from `zoomtrail rules suppressions`')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        if (!(await app.store.deleteSuppression(id))) throw new UsageError(`There is no suppression "${id}"; \`zoomtrail rules suppressions\` lists them.`);
        await recordCliAudit(app, { action: 'rules.suppressions.delete', objectType: 'rules', objectId: id });
        process.stderr.write(`Suppression ${id} removed.\n`);
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
          const rule = knownRule(await loadRuleSet(command, app.config.rulesDir), id);
          const before = (await app.store.ruleEnabledOverrides()).get(rule.meta.id) ?? null;
          const { userInfo } = await import('node:os');
          await app.store.setRuleEnabled(rule.meta.id, enabled, userInfo().username);
          await recordCliAudit(app, {
            action: 'rules.update',
            objectType: 'rules',
            objectId: rule.meta.id,
            before: { enabledOverride: before },
            after: { enabledOverride: enabled },
          });
          process.stderr.write(`Rule ${rule.meta.id} is now ${enabled ? 'enabled' : 'disabled'}.\n`);
        });
      });
  }
  registerRuleTuningCommands(rules);
  registerRulesReloadCommand(rules);
}

/** The rule set of the rules directory: `dir`, else the configured one (ZOOMTRAIL_RULES_DIR, --rules-dir, the config file), loaded. */
export async function loadRuleSet(command: Command, dir?: string): Promise<UserRuleSet> {
  const [{ UserRuleSet }, { RuleGuard }, { resolveRuntimeConfig, defaultRulesDir }] = await Promise.all([
    import('../rules/user/user-rule-set.js'),
    import('../detect/rule-guard.js'),
    import('../config/runtime-config.js'),
  ]);
  const config = resolveRuntimeConfig({ flags: settingFlags(command) });
  const set = new UserRuleSet({ dir: dir ?? defaultRulesDir(config.dataDir, config.rulesDir), guard: new RuleGuard(config.ruleTimeBudgetMs) });
  await set.load();
  return set;
}

/** A rule's tests under the time budget: a test that never returns fails, the others run. */
function guardedTests(set: UserRuleSet, rule: Rule, run: typeof runRuleTests): RuleTestResult[] {
  if (!set.guard.isGuarded(rule)) return run(rule);
  const outcome = set.guard.run(() => run(rule));
  if ('value' in outcome) return outcome.value;
  return [{ ruleId: rule.meta.id, testName: '(all tests)', expectMatch: true, passed: false, problems: [`rule ${outcome.message}`] }];
}

function knownRule(set: UserRuleSet, id: string): Rule {
  const rule = set.find(id);
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
