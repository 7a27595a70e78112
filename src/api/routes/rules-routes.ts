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
import { RuleDirectorySchema, RuleErrorListSchema, RuleErrorQuerySchema, RuleIdParams, RuleListSchema, RulePatchSchema, RuleViewSchema } from '../schemas/rules.js';
import { installApiErrorHandler, iso, notFound } from './route-support.js';

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

async function ruleView(store: Store, rules: UserRuleSet, rule: Rule, overrides: ReadonlyMap<string, boolean>, nowMs: number, history?: HistoryRuleStatus): Promise<RuleView> {
  const { meta } = rule;
  const alerts = await store.listAlerts({ ruleId: meta.id, sinceMs: nowMs - WEEK_MS, limit: 1_000_000 });
  return {
    id: meta.id,
    displayName: meta.displayName,
    logTypes: [...meta.logTypes],
    severity: meta.severity,
    description: meta.description,
    runbook: meta.runbook,
    reference: meta.reference,
    tags: [...meta.tags],
    mitre: [...meta.mitre],
    dedupPeriodMinutes: meta.dedupPeriodMinutes,
    threshold: meta.threshold,
    enabled: overrides.get(meta.id) ?? meta.enabled,
    defaultEnabled: meta.enabled,
    tests: ruleTests(rules, rule),
    alertsLast7Days: alerts.length,
    ...(history ? { history } : {}),
    source: rules.fileOf(meta.id) ?? 'built-in',
    disabledReason: rules.guard.disabledReason(meta.id) ?? null,
  };
}

/** GET /rules (built-in and user rules, and the rules directory's load errors), PATCH /rules/:id { enabled }, GET /rule-errors?ruleId&limit. */
export const rulesRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;
  const { rules } = context.pipeline;

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
      const overrides = await store.ruleEnabledOverrides();
      const now = clock.now();
      const all = rules.all();
      const statuses = await historyRuleStatuses(store, all, context.app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, now);
      return { rules: await Promise.all(all.map((rule) => ruleView(store, rules, rule, overrides, now, statuses.get(rule.meta.id)))), directory: ruleDirectoryView(rules) };
    },
  );

  fastify.patch(
    '/rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        params: RuleIdParams,
        body: RulePatchSchema,
        response: { 200: RuleViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<RuleView> => {
      const rule = rules.find(request.params.id);
      if (!rule) throw notFound('rule', request.params.id);
      await store.setRuleEnabled(rule.meta.id, request.body.enabled);
      const now = clock.now();
      const statuses = await historyRuleStatuses(store, [rule], context.app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, now);
      return ruleView(store, rules, rule, await store.ruleEnabledOverrides(), now, statuses.get(rule.meta.id));
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
