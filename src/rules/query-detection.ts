import { createRequire } from 'node:module';
import type { QueryNode, QueryTerm } from '../domain/event-query.js';
import { LOG_TYPES } from '../zoom/report-records.js';

/**
 * "Make a detection" from a saved search: a YAML rule file (Panther's simple
 * detections, docs/writing-detections.md) whose Detection selects the events
 * the query selects, to copy into ZOOMTRAIL_RULES_DIR and finish there (title,
 * severity, tests). Time conditions at the top are left out (a rule sees each
 * new event once); country and ASN have no match expression here.
 */
export interface QueryDetection {
  ruleId: string;
  fileName: string;
  yaml: string;
  /** What was left out or approximated, for the user to check. */
  notes: string[];
}

export class QueryDetectionError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly fix: string,
  ) {
    super(message);
  }
}

type Expression = Record<string, unknown>;

export function detectionFromQuery(name: string, queryText: string, query: QueryNode): QueryDetection {
  const notes: string[] = [];
  const top = query.kind === 'and' ? query.items : [query];
  const kept = top.filter((item) => {
    if (item.kind === 'term' && item.field === 'p_event_time') {
      notes.push(`Left out ${describe(item)}: a rule sees each new event once, whatever its time.`);
      return false;
    }
    return true;
  });
  if (kept.length === 0)
    throw new QueryDetectionError(
      'The query has only time conditions: a detection needs a condition on the event',
      0,
      'Add a condition such as action:delete or text:"two-factor" to the search.',
    );
  const logTerm = kept.find((item): item is QueryTerm => item.kind === 'term' && item.field === 'logType' && item.match === 'equals');
  const detection = kept.map((item) => expression(item, notes));
  const words = name
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const ruleId = `Custom.Search.${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Saved'}`;
  const fileName = `${['search', ...words.map((w) => w.toLowerCase())].join('-')}.yml`;
  const doc = {
    AnalysisType: 'rule',
    RuleID: ruleId,
    DisplayName: name,
    Enabled: true,
    LogTypes: logTerm?.match === 'equals' ? [logTerm.value] : [...LOG_TYPES],
    Severity: 'Medium',
    Description: `Events of the saved search "${name}": ${queryText}`,
    Runbook: 'Say what to check when this fires.',
    DedupPeriodMinutes: 60,
    Threshold: 1,
    Detection: detection,
    AlertTitle: `${name}: {operator}{email}`,
  };
  const header = [
    `# Made from the saved search "${name}": ${queryText.replace(/\n/g, ' ')}`,
    '# Copy into ZOOMTRAIL_RULES_DIR, set the title and severity, add Tests, then: zoomtrail rules test',
    ...notes.map((n) => `# Note: ${n}`),
  ].join('\n');
  return { ruleId, fileName, yaml: `${header}\n${yamlModule().stringify(doc, { lineWidth: 0 })}`, notes };
}

function expression(node: QueryNode, notes: string[]): Expression {
  switch (node.kind) {
    case 'and':
      return { All: node.items.map((item) => expression(item, notes)) };
    case 'or':
      return { Any: node.items.map((item) => expression(item, notes)) };
    case 'not':
      return { None: [expression(node.item, notes)] };
    case 'term':
      return termExpression(node, notes);
  }
}

const KEYS: Partial<Record<QueryTerm['field'], { key: Expression; condition: string }>> = {
  action: { key: { Key: 'action' }, condition: 'IEquals' },
  category: { key: { Key: 'category_type' }, condition: 'IEquals' },
  email: { key: { KeyPath: 'p_any_emails[*]' }, condition: 'IEquals' },
  ip: { key: { KeyPath: 'p_any_ip_addresses[*]' }, condition: 'IEquals' },
  source: { key: { Key: 'p_source_id' }, condition: 'Equals' },
  logType: { key: { Key: 'p_log_type' }, condition: 'Equals' },
  text: { key: { Key: 'operation_detail' }, condition: 'IContains' },
  change: { key: { KeyPath: 'p_udm.changes[*].name' }, condition: 'IContains' },
};

function termExpression(term: QueryTerm, notes: string[]): Expression {
  const spec = KEYS[term.field];
  if (!spec || term.match === 'range') {
    throw new QueryDetectionError(
      `${describe(term)} at column ${term.position + 1} has no match expression here`,
      term.position,
      'Remove it from the query (or keep time conditions only at the top level), then make the detection again; add it to the rule by hand if needed.',
    );
  }
  if (term.match === 'equals') return { ...spec.key, Condition: spec.condition, Value: term.value };
  const pieces = term.pieces;
  const inner = pieces.slice(1, -1);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (pieces.length === 1) return { ...spec.key, Condition: 'IContains', Value: first };
  if (pieces.length === 2 && last === '') return { ...spec.key, Condition: 'IStartsWith', Value: first };
  if (pieces.length === 2 && first === '') return { ...spec.key, Condition: 'IEndsWith', Value: last };
  if (pieces.length === 3 && first === '' && last === '') return { ...spec.key, Condition: 'IContains', Value: inner[0] };
  notes.push(`${describe(term)} became "contains each part" (the order of the parts is not checked).`);
  return { All: pieces.filter((p) => p !== '').map((p) => ({ ...spec.key, Condition: 'IContains', Value: p })) };
}

function describe(term: QueryTerm): string {
  return `the ${term.field} condition`;
}

type YamlModule = typeof import('yaml');
let yaml: YamlModule | undefined;
function yamlModule(): YamlModule {
  yaml ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yaml;
}
