/** One clause of a sink's field filter: `path=value` or `path!=value`. */
export interface FieldClause {
  path: string[];
  negated: boolean;
  value: string;
}

const CLAUSE = /^([A-Za-z0-9_@$-]+(?:\.[A-Za-z0-9_@$-]+)*)(!?=)(.*)$/s;

/** The clause of `text`, or a message saying what is wrong with it. */
export function parseFieldClause(text: string): FieldClause | string {
  const match = CLAUSE.exec(text.trim());
  if (!match) return `"${text}" is not a field filter: write field=value or field!=value (a dotted path such as operator or p_any_ip_addresses)`;
  return { path: match[1]!.split('.'), negated: match[2] === '!=', value: match[3]! };
}

/** Every clause of `texts`, or the first problem. */
export function parseFieldFilter(texts: readonly string[]): FieldClause[] | string {
  const clauses: FieldClause[] = [];
  for (const text of texts) {
    const clause = parseFieldClause(text);
    if (typeof clause === 'string') return clause;
    clauses.push(clause);
  }
  return clauses;
}

function valuesAt(record: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [record];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== null && typeof item === 'object' && key in item) next.push((item as Record<string, unknown>)[key]);
      }
    }
    current = next;
  }
  return current.flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Whether `record` (the stored event, before formatting) meets every clause.
 * `path=value` holds when a value at the path (an array's elements each count)
 * equals `value` as text; `path!=value` when none does (so a missing field
 * passes `!=` and fails `=`). Case-sensitive; no wildcards.
 */
export function matchesFieldFilter(record: Record<string, unknown>, clauses: readonly FieldClause[]): boolean {
  for (const clause of clauses) {
    const found = valuesAt(record, clause.path).some((v) => text(v) === clause.value);
    if (found === clause.negated) return false;
  }
  return true;
}
