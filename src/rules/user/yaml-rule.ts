import { type Static, Type } from 'typebox';
import Value from 'typebox/value';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { defineRule, type Rule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { fieldsWithUdm } from '../../detect/event-fields.js';
import { compileExpressionList, keyGetter, MatchExpressionError, parseKeyPath, type Matcher } from '../../detect/match-expression.js';
import { SEVERITIES, type Severity } from '../../domain/severity.js';
import { STORED_LOG_TYPES } from '../../zoom/report-records.js';
import { fieldName, type RuleLoadError } from './rule-load-error.js';

/** Panther's severities as its YAML writes them (`Medium`), any case. */
const SeverityText = Type.String({ pattern: `^(${SEVERITIES.map((s) => [...s].map((c) => `[${c}${c.toLowerCase()}]`).join('')).join('|')})$` });

const KeySpec = Type.Object(
  { Key: Type.Optional(Type.String()), DeepKey: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Integer()]))), KeyPath: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/**
 * A Panther Simple Detection (rule) file, as Panther documents it. Match
 * expressions (Detection, InlineFilters, DynamicSeverities[].Conditions) are
 * checked by match-expression.ts, which names the field and fix.
 */
export const YamlRuleSchema = Type.Object(
  {
    AnalysisType: Type.Literal('rule'),
    RuleID: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$' }),
    DisplayName: Type.Optional(Type.String()),
    Enabled: Type.Boolean(),
    LogTypes: Type.Array(Type.Union(STORED_LOG_TYPES.map((t) => Type.Literal(t))), { minItems: 1 }),
    Severity: SeverityText,
    Description: Type.Optional(Type.String()),
    Runbook: Type.Optional(Type.String()),
    Reference: Type.Optional(Type.String()),
    Tags: Type.Optional(Type.Array(Type.String())),
    Reports: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    DedupPeriodMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
    Threshold: Type.Optional(Type.Integer({ minimum: 1 })),
    SummaryAttributes: Type.Optional(Type.Array(Type.String())),
    Detection: Type.Array(Type.Unknown(), { minItems: 1 }),
    InlineFilters: Type.Optional(Type.Array(Type.Unknown())),
    AlertTitle: Type.Optional(Type.String()),
    AlertContext: Type.Optional(Type.Array(Type.Object({ KeyName: Type.String(), KeyValue: KeySpec }, { additionalProperties: false }))),
    GroupBy: Type.Optional(Type.Array(KeySpec, { minItems: 1 })),
    DynamicSeverities: Type.Optional(Type.Array(Type.Object({ ChangeTo: SeverityText, Conditions: Type.Array(Type.Unknown(), { minItems: 1 }) }, { additionalProperties: false }))),
    Tests: Type.Optional(
      Type.Array(
        Type.Object(
          {
            Name: Type.String(),
            ExpectedResult: Type.Boolean(),
            Log: Type.Record(Type.String(), Type.Unknown()),
            Mocks: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    // Panther keys Zoomtrail accepts and does not use (destinations are tuned per rule in Zoomtrail).
    OutputIds: Type.Optional(Type.Array(Type.String())),
    CreateAlert: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type YamlRuleFile = Static<typeof YamlRuleSchema>;

const FIXES: Record<string, string> = {
  AnalysisType: 'write AnalysisType: rule',
  RuleID: 'give an id of letters, digits and dots, e.g. RuleID: Acme.Zoom.Admin.Changed',
  Enabled: 'write Enabled: true (or false)',
  LogTypes: `list one or more of ${STORED_LOG_TYPES.join(', ')}`,
  Severity: `one of ${SEVERITIES.join(', ')} (any case)`,
  DedupPeriodMinutes: 'a whole number of minutes from 5 to 1440 (Panther default 60)',
  Threshold: 'a whole number, at least 1 (Panther default 1)',
  Detection: 'a list of match expressions, e.g. "- Key: action\\n  Condition: Equals\\n  Value: Update"',
  Tests: 'each test has Name, ExpectedResult (true/false) and Log (the event)',
};

/** A YAML rule file as a Rule, or why not (every problem found, with line and fix). */
export function parseYamlRule(text: string, file: string): { rule: Rule } | { errors: RuleLoadError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        file,
        ...(e.linePos ? { line: e.linePos[0].line } : {}),
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
        fix: 'check indentation (spaces, not tabs) and quote text containing ": " or "#"',
      })),
    };
  }
  const data: unknown = doc.toJS();
  const lineOf = (path: readonly (string | number)[]) => lineAt(doc, lines, path);
  if (!Value.Check(YamlRuleSchema, data)) {
    const errors: RuleLoadError[] = [];
    const seen = new Set<string>();
    for (const e of Value.Errors(YamlRuleSchema, data)) {
      if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
      let path = e.instancePath.split('/').slice(1).map(unpointer);
      let message = e.message;
      let fix = FIXES[String(path[0])] ?? 'see docs/writing-detections.md for the fields of a rule file';
      if (e.keyword === 'required') {
        for (const missing of (e.params as { requiredProperties?: string[] }).requiredProperties ?? []) {
          const at = [...path, missing];
          errors.push({ file, ...lineField(lineOf, at), message: `${missing} is missing`, fix: `add ${missing}: ${FIXES[missing] ?? 'see docs/writing-detections.md'}` });
        }
        continue;
      } else if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
        path = [...path, ...extra.slice(0, 1)];
        message = `unknown field ${extra.join(', ')}`;
        fix = `remove it or correct its spelling (fields: ${Object.keys(YamlRuleSchema.properties).join(', ')})`;
      }
      const key = `${fieldName(path)}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ file, ...lineField(lineOf, path), message, fix });
    }
    return { errors };
  }
  try {
    return { rule: buildRule(data) };
  } catch (error) {
    if (error instanceof MatchExpressionError) return { errors: [{ file, ...lineField(lineOf, error.path), message: error.message, fix: error.fix }] };
    throw error;
  }
}

function lineField(lineOf: (path: readonly (string | number)[]) => number | undefined, path: readonly (string | number)[]): { line?: number; field?: string } {
  const line = lineOf(path);
  return { ...(line !== undefined ? { line } : {}), ...(path.length > 0 ? { field: fieldName(path) } : {}) };
}

function unpointer(segment: string): string | number {
  const text = segment.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** The line of the deepest node of `path` that exists (a missing key: its parent's line). */
function lineAt(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      // For a mapping value, the key's line reads better: find the pair.
      const parent = n > 0 ? (n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true)) : undefined;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[n - 1]);
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        if (keyNode?.range) return lines.linePos(keyNode.range[0]).line;
      }
      return lines.linePos((node.range as number[])[0]!).line;
    }
  }
  return undefined;
}

function buildRule(y: YamlRuleFile): Rule {
  const detection = compileExpressionList(y.Detection, ['Detection']);
  const filters: Matcher = y.InlineFilters ? compileExpressionList(y.InlineFilters, ['InlineFilters']) : () => true;
  const title = y.AlertTitle !== undefined ? compileTemplate(y.AlertTitle, ['AlertTitle']) : undefined;
  const groupBy = y.GroupBy?.map((spec, i) => keyGetter(spec, ['GroupBy', i]));
  const context = y.AlertContext?.map((c, i) => ({ name: c.KeyName, get: keyGetter(c.KeyValue, ['AlertContext', i, 'KeyValue']) }));
  const severities = y.DynamicSeverities?.map((d, i) => ({
    to: d.ChangeTo.toUpperCase() as Severity,
    when: compileExpressionList(d.Conditions, ['DynamicSeverities', i, 'Conditions']),
  }));
  const tests: RuleTest[] = (y.Tests ?? []).map((t) => ({ name: t.Name, expectMatch: t.ExpectedResult, event: t.Log }));
  const mitre = Object.entries(y.Reports ?? {})
    .filter(([framework]) => /mitre/i.test(framework))
    .flatMap(([, list]) => list);
  return defineRule({
    meta: {
      id: y.RuleID,
      displayName: y.DisplayName ?? y.RuleID,
      logTypes: y.LogTypes,
      severity: y.Severity.toUpperCase() as Severity,
      description: y.Description ?? '',
      runbook: y.Runbook ?? '',
      reference: y.Reference ?? '',
      tags: y.Tags ?? [],
      mitre,
      dedupPeriodMinutes: y.DedupPeriodMinutes ?? 60,
      threshold: y.Threshold ?? 1,
      summaryAttributes: y.SummaryAttributes ?? [],
      enabled: y.Enabled,
    },
    rule: (e) => {
      const fields = fieldsWithUdm(e);
      return filters(fields) && detection(fields);
    },
    ...(title ? { title: (e: RuleEvent) => title(fieldsWithUdm(e)) } : {}),
    ...(groupBy
      ? {
          dedup: (e: RuleEvent) => {
            const fields = fieldsWithUdm(e);
            return groupBy.map((g) => display(g(fields))).join(':');
          },
        }
      : {}),
    ...(severities ? { severity: (e: RuleEvent) => severities.find((s) => s.when(fieldsWithUdm(e)))?.to } : {}),
    ...(context
      ? {
          alertContext: (e: RuleEvent) => {
            const fields = fieldsWithUdm(e);
            return Object.fromEntries(context.map((c) => [c.name, single(c.get(fields))]));
          },
        }
      : {}),
    tests,
  });
}

/** `AlertTitle: "{operator} changed {p_udm.changes[0].name}"`: each `{KeyPath}` replaced by the field's text ('' when missing). */
export function compileTemplate(template: string, path: readonly (string | number)[]): (fields: unknown) => string {
  const parts: ((fields: unknown) => string)[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (const m of template.matchAll(re)) {
    const literal = template.slice(last, m.index);
    parts.push(() => literal);
    const keyPath = m[1]!.trim();
    if (!parseKeyPath(keyPath)) throw new MatchExpressionError(path, `{${m[1]}} is not a field path`, 'write {field} or {a.b[0].c} inside the braces');
    const get = keyGetter({ KeyPath: keyPath }, path);
    parts.push((fields) => display(get(fields)));
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  parts.push(() => tail);
  return (fields) => parts.map((p) => p(fields)).join('');
}

function single(values: unknown[]): unknown {
  return values.length === 0 ? null : values.length === 1 ? values[0] : values;
}

function display(values: unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}
