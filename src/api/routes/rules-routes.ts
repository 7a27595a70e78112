import type { FastifyPluginAsync } from 'fastify';
import type { Rule } from '../../detect/rule.js';
import { runRuleTests, type RuleTestResult } from '../../detect/rule-test-runner.js';
import { findRule, RULES } from '../../rules/rule-registry.js';
import type { Store } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import type { RuleErrorView, RuleView } from '../api-types.js';
import { errorResponses, installApiErrorHandler, iso, isoTimeSchema, logTypeSchema, notFound, severitySchema } from './route-support.js';

const WEEK_MS = 7 * 86_400_000;

const stringArray = { type: 'array', items: { type: 'string' } } as const;

export const ruleViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    logTypes: { type: 'array', items: logTypeSchema },
    severity: severitySchema,
    description: { type: 'string' },
    runbook: { type: 'string' },
    reference: { type: 'string' },
    tags: stringArray,
    mitre: stringArray,
    dedupPeriodMinutes: { type: 'integer' },
    threshold: { type: 'integer' },
    enabled: { type: 'boolean' },
    defaultEnabled: { type: 'boolean' },
    tests: {
      type: 'object',
      properties: {
        passed: { type: 'integer' },
        failed: { type: 'integer' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, expectMatch: { type: 'boolean' }, passed: { type: 'boolean' }, problems: stringArray },
            required: ['name', 'expectMatch', 'passed', 'problems'],
          },
        },
      },
      required: ['passed', 'failed', 'results'],
    },
    alertsLast7Days: { type: 'integer' },
  },
  required: [
    'id',
    'displayName',
    'logTypes',
    'severity',
    'description',
    'runbook',
    'reference',
    'tags',
    'mitre',
    'dedupPeriodMinutes',
    'threshold',
    'enabled',
    'defaultEnabled',
    'tests',
    'alertsLast7Days',
  ],
} as const;

const ruleErrorViewSchema = {
  type: 'object',
  properties: {
    ruleId: { type: 'string' },
    rowId: { type: 'string' },
    sourceId: { type: 'string' },
    logType: logTypeSchema,
    functionName: { type: 'string' },
    message: { type: 'string' },
    at: isoTimeSchema,
  },
  required: ['ruleId', 'rowId', 'sourceId', 'logType', 'functionName', 'message', 'at'],
} as const;

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

async function ruleView(store: Store, rule: Rule, overrides: ReadonlyMap<string, boolean>, nowMs: number): Promise<RuleView> {
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
  };
}

/** GET /rules, PATCH /rules/:id { enabled }, GET /rule-errors?ruleId&limit. */
export const rulesRoutes: FastifyPluginAsync<ApiContext> = async (fastify, context) => {
  installApiErrorHandler(fastify);
  const { store, clock } = context.app;

  fastify.get(
    '/rules',
    {
      schema: {
        tags: ['rules'],
        response: { 200: { type: 'object', properties: { rules: { type: 'array', items: ruleViewSchema } }, required: ['rules'] } },
      },
    },
    async () => {
      const overrides = await store.ruleEnabledOverrides();
      const now = clock.now();
      return { rules: await Promise.all(RULES.map((rule) => ruleView(store, rule, overrides, now))) };
    },
  );

  fastify.patch<{ Params: { id: string }; Body: { enabled: boolean } }>(
    '/rules/:id',
    {
      schema: {
        tags: ['rules'],
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] },
        body: { type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'], additionalProperties: false },
        response: { 200: ruleViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<RuleView> => {
      const rule = findRule(request.params.id);
      if (!rule) throw notFound('rule', request.params.id);
      await store.setRuleEnabled(rule.meta.id, request.body.enabled);
      return ruleView(store, rule, await store.ruleEnabledOverrides(), clock.now());
    },
  );

  fastify.get<{ Querystring: { ruleId?: string; limit: number } }>(
    '/rule-errors',
    {
      schema: {
        tags: ['rules'],
        querystring: { type: 'object', properties: { ruleId: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
        response: {
          200: { type: 'object', properties: { errors: { type: 'array', items: ruleErrorViewSchema }, total: { type: 'integer' } }, required: ['errors', 'total'] },
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
