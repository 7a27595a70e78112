import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { historyRuleStatuses, type HistoryRuleStatus } from '../../detect/history-status.js';
import type { Rule } from '../../detect/rule.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { runRuleTests, type RuleTestResult } from '../../detect/rule-test-runner.js';
import { findRule, RULES } from '../../rules/rule-registry.js';
import type { Store } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import type { RuleErrorView, RuleView } from '../api-types.js';
import { errorResponses } from '../schemas/common.js';
import { RuleErrorListSchema, RuleErrorQuerySchema, RuleIdParams, RuleListSchema, RulePatchSchema, RuleViewSchema } from '../schemas/rules.js';
import { installApiErrorHandler, iso, notFound } from './route-support.js';

const WEEK_MS = 7 * 86_400_000;

/** The rules' own tests never change while the process runs: run once, on first use. */
let testResults: ReadonlyMap<string, RuleTestResult[]> | undefined;
function ruleTests(rule: Rule): RuleView['tests'] {
  testResults ??= new Map(RULES.map((r) => [r.meta.id, runRuleTests(r)]));
  const results = testResults.get(rule.meta.id) ?? runRuleTests(rule);
  const passed = results.filter((r) => r.passed).length;
  return {
    passed,
    failed: results.length - passed,
    results: results.map((r) => ({ name: r.testName, expectMatch: r.expectMatch, passed: r.passed, problems: r.problems })),
  };
}

async function ruleView(store: Store, rule: Rule, overrides: ReadonlyMap<string, boolean>, nowMs: number, history?: HistoryRuleStatus): Promise<RuleView> {
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
    tests: ruleTests(rule),
    alertsLast7Days: alerts.length,
    ...(history ? { history } : {}),
  };
}

/** GET /rules, PATCH /rules/:id { enabled }, GET /rule-errors?ruleId&limit. */
export const rulesRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;

  fastify.get(
    '/rules',
    {
      schema: {
        tags: ['rules'],
        response: { 200: RuleListSchema },
      },
    },
    async () => {
      const overrides = await store.ruleEnabledOverrides();
      const now = clock.now();
      const statuses = await historyRuleStatuses(store, RULES, context.app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, now);
      return { rules: await Promise.all(RULES.map((rule) => ruleView(store, rule, overrides, now, statuses.get(rule.meta.id)))) };
    },
  );

  fastify.patch(
    '/rules/:id',
    {
      schema: {
        tags: ['rules'],
        params: RuleIdParams,
        body: RulePatchSchema,
        response: { 200: RuleViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<RuleView> => {
      const rule = findRule(request.params.id);
      if (!rule) throw notFound('rule', request.params.id);
      await store.setRuleEnabled(rule.meta.id, request.body.enabled);
      const now = clock.now();
      const statuses = await historyRuleStatuses(store, [rule], context.app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, now);
      return ruleView(store, rule, await store.ruleEnabledOverrides(), now, statuses.get(rule.meta.id));
    },
  );

  fastify.get(
    '/rule-errors',
    {
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
