import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { historyRuleStatuses, type HistoryRuleStatus } from '../../detect/history-status.js';
import type { Rule } from '../../detect/rule.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { runRuleTests, type RuleTestResult } from '../../detect/rule-test-runner.js';
import type { UserRuleSet } from '../../rules/user/user-rule-set.js';
import type { Store } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import type { RuleErrorView, RuleView } from '../api-types.js';
import type { Static } from 'typebox';
import { errorResponses } from '../schemas/common.js';
import {
  BacktestQuerySchema,
  BacktestResultSchema,
  RuleSourceSchema,
  RuleDirectorySchema,
  RuleErrorListSchema,
  RuleErrorQuerySchema,
  RuleIdParams,
  RuleListSchema,
  RulePatchSchema,
  RuleViewSchema,
} from '../schemas/rules.js';
import { ApiHttpError, installApiErrorHandler, invalidField, iso, notFound, parseTimeParam } from './route-support.js';
import { readFile } from 'node:fs/promises';
import { backtestRule } from '../../rules/rule-backtest.js';

const MAX_BACKTEST_MS = 400 * 86_400_000;
const DURATION_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `30d`, `12h`, `90m` as milliseconds. */
function parseDuration(text: string): number {
  return Number(text.slice(0, -1)) * DURATION_MS[text.slice(-1).toLowerCase()]!;
}
import { effectiveSettings, tuningPatchProblems } from '../../detect/rule-tuning.js';
import type { RuleTuning } from '../../store/rule-tuning-store.js';
import type { SuppressionRecord } from '../../store/suppression-store.js';

const WEEK_MS = 7 * 86_400_000;

/** A rule's own tests never change while the rule object lives (a reload makes new objects): run once, on first use; user rules under the time budget. */
const testResults = new WeakMap<Rule, RuleTestResult[]>();
function ruleTests(rules: UserRuleSet, rule: Rule): RuleView['tests'] {
  let results = testResults.get(rule);
  if (!results) {
    if (rules.guard.isGuarded(rule)) {
      const outcome = rules.guard.run(() => runRuleTests(rule));
      results = 'value' in outcome ? outcome.value : [{ ruleId: rule.meta.id, testName: '(all tests)', expectMatch: true, passed: false, problems: [`rule ${outcome.message}`] }];
    } else {
      results = runRuleTests(rule);
    }
    testResults.set(rule, results);
  }
  const passed = results.filter((r) => r.passed).length;
  return {
    passed,
    failed: results.length - passed,
    results: results.map((r) => ({ name: r.testName, expectMatch: r.expectMatch, passed: r.passed, problems: r.problems })),
  };
}

/** The rules directory as loaded: its digest and the files that did not load. */
export function ruleDirectoryView(rules: UserRuleSet): Static<typeof RuleDirectorySchema> {
  return {
    dir: rules.dir,
    digest: rules.digest,
    userRules: rules.userRules.length,
    loadErrors: rules.errors.map((e) => ({ file: e.file, line: e.line ?? null, field: e.field ?? null, message: e.message, fix: e.fix })),
  };
}

/** What a rule view needs read once for every rule: tunings and suppressions. */
interface RuleViewInputs {
  tunings: ReadonlyMap<string, RuleTuning>;
  suppressions: readonly SuppressionRecord[];
}

async function viewInputs(store: Store): Promise<RuleViewInputs> {
  return { tunings: await store.listRuleTunings(), suppressions: await store.listSuppressions() };
}

async function ruleView(store: Store, rules: UserRuleSet, rule: Rule, inputs: RuleViewInputs, nowMs: number, history?: HistoryRuleStatus): Promise<RuleView> {
  const { meta } = rule;
  const alerts = await store.countAlerts({ ruleId: meta.id, sinceMs: nowMs - WEEK_MS });
  const tuning = inputs.tunings.get(meta.id);
  const effective = effectiveSettings(meta, tuning);
  const suppressions = inputs.suppressions.filter((s) => s.ruleId === meta.id);
  return {
    id: meta.id,
    displayName: meta.displayName,
    logTypes: [...meta.logTypes],
    severity: effective.severity,
    description: meta.description,
    runbook: meta.runbook,
    reference: meta.reference,
    tags: [...meta.tags],
    mitre: [...meta.mitre],
    dedupPeriodMinutes: effective.dedupPeriodMinutes,
    threshold: effective.threshold,
    enabled: effective.enabled,
    defaultEnabled: meta.enabled,
    destinations: effective.destinations === null ? null : [...effective.destinations],
    defaults: { enabled: meta.enabled, severity: meta.severity, dedupPeriodMinutes: meta.dedupPeriodMinutes, threshold: meta.threshold },
    tuning: tuning
      ? {
          enabled: tuning.enabled,
          severity: tuning.severity,
          dedupPeriodMinutes: tuning.dedupPeriodMinutes,
          threshold: tuning.threshold,
          destinations: tuning.destinations,
          updatedBy: tuning.updatedBy,
          updatedAt: iso(tuning.updatedAt),
        }
      : null,
    suppressions: { count: suppressions.length, suppressedMatches: suppressions.reduce((n, s) => n + s.suppressedCount, 0) },
    tests: ruleTests(rules, rule),
    alertsLast7Days: alerts,
    ...(history ? { history } : {}),
    source: rules.fileOf(meta.id) ?? 'built-in',
    disabledReason: rules.guard.disabledReason(meta.id) ?? null,
  };
}

/**
 * GET /rules (built-in and user rules, and the rules directory's load errors), GET /rules/:id,
 * PATCH /rules/:id (tuning: enabled, severity, dedup period, threshold, destinations),
 * DELETE /rules/:id/tuning (back to the rule's own settings), GET /rule-errors?ruleId&limit.
 */
export const rulesRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;
  const { rules } = context.pipeline;
  const historySettings = context.app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS;

  const knownRule = (id: string): Rule => {
    const rule = rules.find(id);
    if (!rule) throw notFound('rule', id);
    return rule;
  };
  const oneView = async (rule: Rule): Promise<RuleView> => {
    const now = clock.now();
    const statuses = await historyRuleStatuses(store, [rule], historySettings, now);
    return ruleView(store, rules, rule, await viewInputs(store), now, statuses.get(rule.meta.id));
  };

  fastify.get(
    '/rules',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        response: { 200: RuleListSchema },
      },
    },
    async () => {
      const inputs = await viewInputs(store);
      const now = clock.now();
      const all = rules.all();
      const statuses = await historyRuleStatuses(store, all, historySettings, now);
      return { rules: await Promise.all(all.map((rule) => ruleView(store, rules, rule, inputs, now, statuses.get(rule.meta.id)))), directory: ruleDirectoryView(rules) };
    },
  );

  fastify.get(
    '/rules/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        params: RuleIdParams,
        response: { 200: RuleViewSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<RuleView> => oneView(knownRule(request.params.id)),
  );

  fastify.patch(
    '/rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        summary: "Tune a rule: a value overrides the rule's own, null clears the override",
        params: RuleIdParams,
        body: RulePatchSchema,
        response: { 200: RuleViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<RuleView> => {
      const rule = knownRule(request.params.id);
      const patch = request.body;
      if (patch.destinations) {
        const known = new Set((await store.listDestinations()).flatMap((d) => [d.name, d.id]));
        const problems = tuningPatchProblems({ destinations: patch.destinations }, known);
        if (problems.length > 0) throw invalidField('destinations', `${problems.join('; ')}.`);
      }
      await store.tuneRule(rule.meta.id, patch, request.user?.username ?? 'unknown');
      return oneView(rule);
    },
  );

  fastify.delete(
    '/rules/:id/tuning',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        summary: 'Clear every override of a rule: it runs with its own settings',
        params: RuleIdParams,
        response: { 200: RuleViewSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<RuleView> => {
      const rule = knownRule(request.params.id);
      await store.resetRuleTuning(rule.meta.id);
      return oneView(rule);
    },
  );

  fastify.get(
    '/rules/:id/source',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        summary: "A user rule's file, read-only (404 for a built-in rule: its source is Zoomtrail's)",
        params: RuleIdParams,
        response: { 200: RuleSourceSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const rule = knownRule(request.params.id);
      const file = rules.fileOf(rule.meta.id);
      if (file === undefined) throw new ApiHttpError(404, 'not_found', `${rule.meta.id} is a built-in rule: its source is part of Zoomtrail.`);
      const text = await readFile(file, 'utf8').catch(() => {
        throw new ApiHttpError(404, 'not_found', `The rule's file ${file} can no longer be read.`, undefined, 'Check the rules directory; the rule reloads when the file is back.');
      });
      return { file, language: /\.ya?ml$/.test(file) ? ('yaml' as const) : /\.ts$/.test(file) ? ('typescript' as const) : ('javascript' as const), text };
    },
  );

  fastify.get(
    '/rules/:id/backtest',
    {
      config: { access: 'triage' },
      schema: {
        tags: ['rules'],
        summary: 'Run one rule (enabled or not) over the stored events since a time: the alerts it would have raised, writing nothing',
        params: RuleIdParams,
        querystring: BacktestQuerySchema,
        response: { 200: BacktestResultSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const rule = knownRule(request.params.id);
      const now = clock.now();
      const since = request.query.since.trim();
      const ago = /^\d+[mhd]$/i.exec(since) ? parseDuration(since) : undefined;
      const sinceMs = ago !== undefined ? now - ago : parseTimeParam('since', since)!;
      if (now - sinceMs > MAX_BACKTEST_MS) throw invalidField('since', 'since reaches back more than 400 days; backtest a shorter period.');
      const tuning = await store.getRuleTuning(rule.meta.id);
      const effective = effectiveSettings(rule.meta, tuning);
      const result = await backtestRule({ store, rule, sinceMs, historySettings, guard: rules.guard, tuning, clock, logger: context.app.logger });
      return {
        ruleId: rule.meta.id,
        since: iso(sinceMs),
        events: result.events,
        ruleErrors: result.ruleErrors,
        waiting: result.waiting,
        dedupPeriodMinutes: effective.dedupPeriodMinutes,
        threshold: effective.threshold,
        alerts: result.raised.map((a) => ({
          dedup: a.dedup,
          title: a.title,
          severity: a.severity,
          firstEventAt: iso(a.firstEventMs),
          lastEventAt: iso(a.lastEventMs),
          eventCount: a.eventCount,
          rowIds: a.rowIds.slice(0, 20),
        })),
      };
    },
  );

  fastify.get(
    '/rule-errors',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        querystring: RuleErrorQuerySchema,
        response: {
          200: RuleErrorListSchema,
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { ruleId, limit } = request.query;
      const filter = ruleId !== undefined ? { ruleId } : {};
      const rows = await store.listRuleErrors({ ...filter, limit });
      const errors: RuleErrorView[] = rows.map((e) => ({
        ruleId: e.ruleId,
        rowId: e.rowId,
        sourceId: e.sourceId,
        logType: e.logType,
        functionName: e.functionName,
        message: e.message,
        at: iso(e.at),
      }));
      return { errors, total: await store.countRuleErrors(filter) };
    },
  );
};
