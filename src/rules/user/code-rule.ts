import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { Type } from 'typebox';
import Value from 'typebox/value';
import { defineRule, RULE_DEFAULTS, type Rule, type RuleDefinition } from '../../detect/rule.js';
import { SEVERITIES } from '../../domain/severity.js';
import { STORED_LOG_TYPES } from '../../zoom/report-records.js';
import { fieldName, type RuleLoadError } from './rule-load-error.js';

/** Time a rule module's top-level code may take when it loads. */
export const LOAD_BUDGET_MS = 2000;

const RuleTestSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  expectMatch: Type.Boolean(),
  event: Type.Record(Type.String(), Type.Unknown()),
  expectTitle: Type.Optional(Type.String()),
  expectDedup: Type.Optional(Type.String()),
  expectSeverity: Type.Optional(Type.Union(SEVERITIES.map((s) => Type.Literal(s)))),
});

/** The shape a rule module exports (the built-in Rule shape; optional metadata gets Panther's defaults). */
const CodeRuleSchema = Type.Object({
  meta: Type.Object({
    id: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$' }),
    displayName: Type.String(),
    logTypes: Type.Array(Type.Union(STORED_LOG_TYPES.map((t) => Type.Literal(t))), { minItems: 1 }),
    severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s))),
    description: Type.String(),
    runbook: Type.String(),
    reference: Type.String(),
    tags: Type.Optional(Type.Array(Type.String())),
    mitre: Type.Optional(Type.Array(Type.String())),
    dedupPeriodMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
    threshold: Type.Optional(Type.Integer({ minimum: 1 })),
    summaryAttributes: Type.Optional(Type.Array(Type.String())),
    enabled: Type.Optional(Type.Boolean()),
  }),
  tests: Type.Array(RuleTestSchema),
});

const FIXES: Record<string, string> = {
  id: 'a dotted id of letters and digits, e.g. "Acme.Zoom.Admin.Changed"',
  logTypes: `a list of ${STORED_LOG_TYPES.join(', ')}`,
  severity: `one of ${SEVERITIES.join(', ')} (upper case)`,
  tests: 'a list of { name, expectMatch, event } (add at least one passing and one failing event)',
};

/** What `zoomtrail/rules` gives a rule module at run time (its types come from types/rules.d.ts). */
const RUNTIME_API = Object.freeze({ defineRule, RULE_DEFAULTS });

/**
 * A JavaScript (`.js`, `.mjs`) or TypeScript (`.ts`) rule module: compiled
 * and bundled with esbuild (its relative imports included; packages and
 * Node's modules required at run time), run in its own `vm` context with a
 * load budget, and every exported value with `meta` and a `rule` function
 * taken as a rule. User code is trusted admin code: it runs with the
 * process's permissions (the context is not a sandbox).
 */
export async function loadCodeRule(file: string): Promise<{ rules: Rule[] } | { errors: RuleLoadError[] }> {
  const { build } = await import('esbuild');
  let code: string;
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      sourcemap: 'inline',
    });
    code = out.outputFiles[0]!.text;
  } catch (error) {
    const failures = (error as { errors?: { text: string; location?: { file: string; line: number; column: number; lineText: string } | null }[] }).errors ?? [];
    if (failures.length === 0) return { errors: [{ file, message: String(error), fix: 'check the file is readable JavaScript or TypeScript' }] };
    return {
      errors: failures.map((f) => ({
        file: f.location ? path.resolve(f.location.file) : file,
        ...(f.location ? { line: f.location.line } : {}),
        message: `does not compile: ${f.text}`,
        fix: f.location ? `fix line ${f.location.line}: ${f.location.lineText.trim()}` : 'fix the syntax error',
      })),
    };
  }
  const fileRequire = createRequire(file);
  const module = { exports: {} as Record<string, unknown> };
  const context = vm.createContext({
    module,
    exports: module.exports,
    require: (id: string): unknown => (id === 'zoomtrail/rules' || id === 'zoomtrail' ? RUNTIME_API : (fileRequire(id) as unknown)),
    console,
    URL,
    TextEncoder,
    TextDecoder,
    structuredClone,
    __filename: file,
    __dirname: path.dirname(file),
  });
  try {
    vm.runInContext(code, context, { filename: file, timeout: LOAD_BUDGET_MS });
  } catch (error) {
    const timedOut = (error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    return {
      errors: [
        {
          file,
          ...lineOfStack(error, file),
          message: timedOut ? `its top-level code ran past the load budget of ${LOAD_BUDGET_MS} ms` : `threw while loading: ${describe(error)}`,
          fix: timedOut ? 'do work inside rule(), not at the top level; look for an endless loop' : 'fix the error at that line (or wrap it in try/catch)',
        },
      ],
    };
  }
  const exported = module.exports;
  const candidates = Object.entries(exported).filter(([, v]) => v !== null && typeof v === 'object' && 'meta' in v);
  if (candidates.length === 0) {
    return {
      errors: [
        {
          file,
          message: 'exports no rule (an object with meta, rule and tests)',
          fix: 'add `export default defineRule({ meta: {...}, rule(e) {...}, tests: [...] })` (see `zoomtrail rules new`)',
        },
      ],
    };
  }
  const source = await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')).catch(() => '');
  const rules: Rule[] = [];
  const errors: RuleLoadError[] = [];
  for (const [name, value] of candidates) {
    const problems = checkRuleShape(value, file, source, name);
    if (problems.length > 0) errors.push(...problems);
    else {
      const definition = value as RuleDefinition;
      rules.push(defineRule({ ...definition, tests: definition.tests }));
    }
  }
  return errors.length > 0 ? { errors } : { rules };
}

function checkRuleShape(value: unknown, file: string, source: string, exportName: string): RuleLoadError[] {
  const errors: RuleLoadError[] = [];
  const prefix = exportName === 'default' ? [] : [exportName];
  if (!Value.Check(CodeRuleSchema, value)) {
    for (const e of Value.Errors(CodeRuleSchema, value)) {
      if (e.keyword === 'anyOf' || e.keyword === 'boolean') continue;
      const p: (string | number)[] = e.instancePath
        .split('/')
        .slice(1)
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const message = e.message;
      if (e.keyword === 'required') {
        for (const missing of (e.params as { requiredProperties?: string[] }).requiredProperties ?? []) {
          errors.push({
            file,
            field: fieldName([...prefix, ...p, missing]),
            message: `${missing} is missing`,
            fix: `add ${missing} (${FIXES[missing] ?? "see the Rule type: import type { Rule } from 'zoomtrail/rules'"})`,
          });
        }
        continue;
      }
      const leaf = String([...p].reverse().find((s) => typeof s === 'string') ?? '');
      errors.push({
        file,
        ...lineOfWord(source, leaf),
        field: fieldName([...prefix, ...p]),
        message,
        fix: FIXES[leaf] ?? `give ${leaf || 'it'} as the Rule type says (types: import type { Rule } from 'zoomtrail/rules')`,
      });
    }
  }
  const fns = value as Record<string, unknown>;
  if (typeof fns.rule !== 'function')
    errors.push({
      file,
      field: fieldName([...prefix, 'rule']),
      message: 'rule is not a function',
      fix: 'add rule(event) { return ...; } returning true for events that should alert',
    });
  for (const name of ['title', 'dedup', 'severity', 'alertContext']) {
    if (fns[name] !== undefined && typeof fns[name] !== 'function')
      errors.push({
        file,
        ...lineOfWord(source, name),
        field: fieldName([...prefix, name]),
        message: `${name} is not a function`,
        fix: `write ${name}(event) { ... } or remove it`,
      });
  }
  return errors;
}

function lineOfWord(source: string, word: string): { line?: number } {
  if (!word) return {};
  const index = source.search(new RegExp(`\\b${word.replace(/[^A-Za-z0-9_]/g, '')}\\s*[:(]`));
  return index < 0 ? {} : { line: source.slice(0, index).split('\n').length };
}

function lineOfStack(error: unknown, file: string): { line?: number } {
  const stack = error instanceof Error || (error !== null && typeof error === 'object' && 'stack' in error) ? String((error as { stack?: unknown }).stack) : '';
  const m = stack
    .split('\n')
    .find((l) => l.includes(file))
    ?.match(/:(\d+):\d+\)?$/);
  return m ? { line: Number(m[1]) } : {};
}

function describe(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'message' in error) return `${(error as { name?: string }).name ?? 'Error'}: ${String(error.message)}`;
  return String(error);
}
