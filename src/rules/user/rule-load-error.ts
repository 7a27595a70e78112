/**
 * A rules-directory file that could not become a rule: where (file, line,
 * field) and what to change. Shown by `zoomtrail rules list`, health and the
 * API; the file's rule is left out whole (no half state), the other rules run.
 */
export interface RuleLoadError {
  /** The file's path as found in the rules directory. */
  file: string;
  /** 1-based line of the offending field, when known. */
  line?: number;
  /** The field (`Detection[0].Condition`, `meta.severity`), when known. */
  field?: string;
  message: string;
  fix: string;
}

/** One line: `rules/x.yml:12 Detection[0].Condition: unknown Condition "Equal"; fix: ...`. */
export function formatRuleLoadError(error: RuleLoadError): string {
  const where = `${error.file}${error.line !== undefined ? `:${error.line}` : ''}`;
  return `${where}${error.field ? ` ${error.field}` : ''}: ${error.message}; fix: ${error.fix}`;
}

/** `Detection[0].Condition` from a path of keys and indices. */
export function fieldName(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}
