import { InvalidArgumentError, Option, type Command } from 'commander';
import { isHistoryRule } from '../detect/history-rule.js';
import { tuningPatchProblems, tuningRows } from '../detect/rule-tuning.js';
import { DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import { SEVERITIES, type Severity } from '../domain/severity.js';
import type { RuleTuningPatch } from '../store/rule-tuning-store.js';
import { UsageError } from './exit-codes.js';
import { iso, loadRuleSet } from './rules-command.js';
import { formatTable, withApp } from './with-app.js';

/** `default` clears an override (back to the rule's own value). Kept as this text: commander turns a parser's null into ''. */
const DEFAULT = 'default';
type OrDefault<T> = T | typeof DEFAULT;

function orDefault<T>(parse: (value: string) => T): (value: string) => OrDefault<T> {
  return (value) => (value.trim().toLowerCase() === DEFAULT ? DEFAULT : parse(value));
}

/** The option as a patch value: absent stays absent, `default` clears (null). */
function patchValue<T>(value: OrDefault<T> | undefined): T | null | undefined {
  return value === DEFAULT ? null : value;
}

function positiveInteger(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max} (or "default"), not "${value}".`);
    return n;
  };
}

function severity(value: string): Severity {
  const upper = value.trim().toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) throw new InvalidArgumentError(`--severity must be one of ${SEVERITIES.join(', ')} (or "default"), not "${value}".`);
  return upper as Severity;
}

function destinationList(value: string): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) throw new InvalidArgumentError('--destinations needs destination names, comma-separated (or "default").');
  return names;
}

interface TuneOptions {
  enable?: boolean;
  disable?: boolean;
  severity?: OrDefault<Severity>;
  dedupMinutes?: OrDefault<number>;
  threshold?: OrDefault<number>;
  destinations?: OrDefault<string[]>;
  reset?: boolean;
  by?: string;
}

/** `rules tune <id> ...` (change a rule's tuning) and `rules tuning <id>` (show it with the defaults). */
export function registerRuleTuningCommands(rules: Command): void {
  rules
    .command('tune')
    .description(
      'Tune a rule (built-in or yours) without editing it: enable or disable it, its severity, dedup period, threshold, and which destinations get its alerts. ' +
        'Give "default" as a value to go back to the rule\'s own; --reset clears every override. Detection uses the change from the next events on.',
    )
    .argument('<id>', 'rule id, from `zoomtrail rules list`')
    .addOption(new Option('--enable', 'run the rule').conflicts('disable'))
    .addOption(new Option('--disable', 'stop running the rule').conflicts('enable'))
    .option('--severity <severity>', `the severity of its alerts: ${SEVERITIES.join(', ')} (replaces the rule's, also a per-event one)`, orDefault(severity))
    .option('--dedup-minutes <n>', 'matches with one dedup string within this many minutes form one alert', orDefault(positiveInteger('--dedup-minutes', 43_200)))
    .option('--threshold <n>', 'matches needed within the dedup period before an alert is raised', orDefault(positiveInteger('--threshold', 1_000_000)))
    .option('--destinations <names>', "only these destinations get the rule's alerts (comma-separated names), over their own filters", orDefault(destinationList))
    .option('--reset', 'clear every override of the rule')
    .option('--by <name>', 'who makes the change (default: the user name of this shell)')
    .action(async (id: string, options: TuneOptions, command: Command) => {
      await withApp(command, async (app) => {
        const set = await loadRuleSet(command, app.config.rulesDir);
        const rule = set.find(id);
        if (!rule) throw new UsageError(`There is no rule "${id}"; \`zoomtrail rules list\` shows the rule ids.`);
        if (options.reset) {
          const had = await app.store.resetRuleTuning(rule.meta.id);
          process.stderr.write(had ? `Rule ${rule.meta.id} is back to its own settings.\n` : `Rule ${rule.meta.id} had no tuning.\n`);
          return;
        }
        const patch: RuleTuningPatch = {};
        if (options.enable) patch.enabled = true;
        if (options.disable) patch.enabled = false;
        if (options.severity !== undefined) patch.severity = patchValue(options.severity);
        if (options.dedupMinutes !== undefined) patch.dedupPeriodMinutes = patchValue(options.dedupMinutes);
        if (options.threshold !== undefined) patch.threshold = patchValue(options.threshold);
        if (options.destinations !== undefined) patch.destinations = patchValue(options.destinations);
        if (Object.keys(patch).length === 0) throw new UsageError('Say what to change: --enable, --disable, --severity, --dedup-minutes, --threshold, --destinations or --reset.');
        const known = new Set((await app.store.listDestinations()).flatMap((d) => [d.name, d.id]));
        const problems = tuningPatchProblems(patch, known);
        if (problems.length > 0) throw new UsageError(`${problems.join('; ')}.`);
        const { userInfo } = await import('node:os');
        const tuning = await app.store.tuneRule(rule.meta.id, patch, options.by ?? userInfo().username);
        process.stdout.write(formatTuning(tuningRows(rule.meta, tuning)));
        process.stderr.write(`Rule ${rule.meta.id} tuned; detection uses it from the next events on.\n`);
      });
    });

  rules
    .command('tuning')
    .description("Show a rule's tuning: each setting's default, override and value in effect, who changed it and when; for a history rule its ZOOMTRAIL_HISTORY_* settings.")
    .argument('<id>', 'rule id, from `zoomtrail rules list`')
    .option('--format <format>', 'table or json', 'table')
    .action(async (id: string, options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'json') throw new UsageError(`--format must be table or json, not "${options.format}".`);
        const set = await loadRuleSet(command, app.config.rulesDir);
        const rule = set.find(id);
        if (!rule) throw new UsageError(`There is no rule "${id}"; \`zoomtrail rules list\` shows the rule ids.`);
        const tuning = await app.store.getRuleTuning(rule.meta.id);
        const rows = tuningRows(rule.meta, tuning);
        const history = isHistoryRule(rule) ? rule.history.settings(app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS) : undefined;
        if (options.format === 'json') {
          const changed = tuning ? { updatedBy: tuning.updatedBy, updatedAt: iso(tuning.updatedAt) } : null;
          process.stdout.write(`${JSON.stringify({ ruleId: rule.meta.id, settings: rows, changed, ...(history ? { historySettings: history } : {}) })}\n`);
          return;
        }
        process.stdout.write(formatTuning(rows));
        process.stdout.write(tuning ? `Changed by ${tuning.updatedBy} at ${iso(tuning.updatedAt)}.\n` : 'Not tuned: the rule runs with its own settings.\n');
        if (history) {
          process.stdout.write(`History settings (ZOOMTRAIL_HISTORY_*, see \`zoomtrail config\`):\n`);
          for (const [key, value] of Object.entries(history)) process.stdout.write(`  ${key}=${value}\n`);
        }
      });
    });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatTuning(rows: ReturnType<typeof tuningRows>): string {
  return formatTable(
    ['SETTING', 'DEFAULT', 'OVERRIDE', 'IN EFFECT'],
    rows.map((r) => [
      r.setting,
      r.setting === 'destinations' ? 'by their filters' : show(r.default),
      show(r.override),
      r.setting === 'destinations' && r.effective === null ? 'by their filters' : show(r.effective),
    ]),
  );
}
