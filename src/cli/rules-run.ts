import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Rule } from '../detect/rule.js';
import { RuleEvent } from '../detect/rule-event.js';
import { evaluateRule } from '../detect/rule-evaluator.js';
import { RULES } from '../rules/rule-registry.js';
import type { LogType } from '../zoom/report-records.js';

/** One input event of `rules run`, or why its line could not be used. */
export type RunInput = { index: number; event: Record<string, unknown> } | { index: number; error: string };

/**
 * Reads `rules run` input: NDJSON (one JSON object per non-blank line, `index`
 * counting non-blank lines from 0), streamed line by line; or, when the whole
 * input is one JSON array, its elements (`index` = array index). Only an input
 * whose first non-blank character is `[` is buffered, to try the array form;
 * if it does not parse as one array, its lines are read as NDJSON.
 */
export async function* readRunInput(input: Readable): AsyncGenerator<RunInput> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  let buffered: string[] | null = null;
  let first = true;
  for await (const line of lines) {
    if (buffered) {
      buffered.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    if (first) {
      first = false;
      if (line.trimStart().startsWith('[')) {
        buffered = [line];
        continue;
      }
    }
    yield parseRunLine(line, index++);
  }
  if (!buffered) return;
  const whole = arrayOf(buffered.join('\n'));
  if (whole) {
    for (const [i, element] of whole.entries()) yield isObject(element) ? { index: i, event: element } : { index: i, error: 'not a JSON object' };
    return;
  }
  for (const line of buffered) if (line.trim() !== '') yield parseRunLine(line, index++);
}

/** One NDJSON line as an event, or what is wrong with it. */
export function parseRunLine(line: string, index: number): RunInput {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { index, error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return isObject(value) ? { index, event: value } : { index, error: 'not a JSON object' };
}

function arrayOf(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The rules `rules run` evaluates for a log type: registry order, enabled by default unless `all`. */
export function rulesForLogType(logType: LogType, all: boolean, rules: readonly Rule[] = RULES): Rule[] {
  return rules.filter((rule) => rule.meta.logTypes.includes(logType) && (all || rule.meta.enabled));
}

/**
 * Every rule on one event exactly as given: per rule, its match line
 * (`index, rule_id, title, severity, dedup`) then its error lines
 * (`index, rule_id, error`), as NDJSON objects.
 */
export function runRulesOnEvent(rules: readonly Rule[], index: number, event: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const ruleEvent = new RuleEvent(event);
  for (const rule of rules) {
    const { match, errors } = evaluateRule(rule, ruleEvent);
    if (match) out.push({ index, rule_id: rule.meta.id, title: match.title, severity: match.severity, dedup: match.dedup });
    for (const error of errors) out.push({ index, rule_id: rule.meta.id, error: `${error.functionName}: ${error.message}` });
  }
  return out;
}
