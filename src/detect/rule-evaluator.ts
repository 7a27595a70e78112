import type { Rule } from './rule.js';
import type { Severity } from '../domain/severity.js';
import { SEVERITIES } from '../domain/severity.js';
import type { RuleEvent } from './rule-event.js';

/**
 * Panther's limit for titles and dedup strings (pypanther `MAX_GENERATED_FIELD_SIZE`
 * and `MAX_DEDUP_STRING_SIZE`): a longer one keeps its first 985 characters and
 * ends with `... (truncated)`, 1000 characters in all.
 */
export const MAX_ALERT_TEXT = 1000;
const TRUNCATED_SUFFIX = '... (truncated)';
const MAX_ERROR_MESSAGE = 500;

/** What a matching rule says about the event. */
export interface RuleMatchOutcome {
  rule: Rule;
  title: string;
  dedup: string;
  severity: Severity;
  context: Record<string, unknown>;
}

/** A rule function that threw (or returned something unusable). */
export interface RuleErrorOutcome {
  rule: Rule;
  functionName: 'rule' | 'title' | 'dedup' | 'severity' | 'alertContext';
  message: string;
}

export interface RuleEvaluation {
  match: RuleMatchOutcome | null;
  errors: RuleErrorOutcome[];
}

const NO_ERRORS: RuleErrorOutcome[] = [];
const NO_MATCH: RuleEvaluation = Object.freeze({ match: null, errors: NO_ERRORS });

/**
 * Runs one rule on one event, as Panther does: `rule` decides; for a match,
 * `title` (default: the display name), `dedup` (default: the title when the
 * rule has a title function, else the rule id), `severity` (default: the
 * rule's) and `alertContext`. A throwing `rule` is an error and no match; a
 * throwing optional function is an error and its default is used, so the
 * match still alerts. Never throws.
 */
export function evaluateRule(rule: Rule, event: RuleEvent): RuleEvaluation {
  let matched: boolean;
  try {
    matched = rule.rule(event) === true;
  } catch (error) {
    return { match: null, errors: [ruleError(rule, 'rule', error)] };
  }
  if (!matched) return NO_MATCH;

  const errors: RuleErrorOutcome[] = [];
  const { meta } = rule;
  let title = meta.displayName;
  let titled = false;
  if (rule.title) {
    try {
      title = truncateAlertText(String(rule.title(event)));
      titled = true;
    } catch (error) {
      errors.push(ruleError(rule, 'title', error));
    }
  }
  let dedup = titled ? title : meta.id;
  if (rule.dedup) {
    try {
      dedup = truncateAlertText(String(rule.dedup(event)));
    } catch (error) {
      errors.push(ruleError(rule, 'dedup', error));
    }
  }
  let severity = meta.severity;
  if (rule.severity) {
    try {
      const dynamic = rule.severity(event);
      if (dynamic !== undefined) {
        const upper = String(dynamic).toUpperCase();
        if ((SEVERITIES as readonly string[]).includes(upper)) severity = upper as Severity;
        else if (upper !== 'DEFAULT') errors.push({ rule, functionName: 'severity', message: `severity returned "${String(dynamic)}", not one of ${SEVERITIES.join(', ')}` });
      }
    } catch (error) {
      errors.push(ruleError(rule, 'severity', error));
    }
  }
  let context: Record<string, unknown> = {};
  if (rule.alertContext) {
    try {
      context = rule.alertContext(event) ?? {};
    } catch (error) {
      errors.push(ruleError(rule, 'alertContext', error));
    }
  }
  return { match: { rule, title, dedup, severity, context }, errors };
}

/**
 * Panther's truncation. Characters are counted as Python counts them (code
 * points), so a title with emoji is cut where Panther cuts it and never in the
 * middle of a surrogate pair.
 */
export function truncateAlertText(text: string): string {
  if (text.length <= MAX_ALERT_TEXT) return text; // fewer code units, so fewer code points
  const keep = MAX_ALERT_TEXT - TRUNCATED_SUFFIX.length;
  let codePoints = 0;
  let cut = -1;
  for (let i = 0; i < text.length; i++) {
    if (codePoints === keep) cut = i;
    codePoints++;
    if (codePoints > MAX_ALERT_TEXT) return `${text.slice(0, cut)}${TRUNCATED_SUFFIX}`;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return text;
}

function ruleError(rule: Rule, functionName: RuleErrorOutcome['functionName'], error: unknown): RuleErrorOutcome {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { rule, functionName, message: text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}…` : text };
}
