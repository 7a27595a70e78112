import { operationEventType, activityEventType } from '../normalize/data-models.js';
import { parseOperationDetail, type OperationDetail } from '../normalize/operation-detail-parser.js';
import type { HistoryFacts } from './history-rule.js';

/**
 * What a rule sees: one event (as stored, or as given to `rules run`
 * without schema validation) with lazy, memoized helpers, so eight rules
 * reading the same event parse its `operation_detail` once.
 */
export class RuleEvent {
  readonly fields: Readonly<Record<string, unknown>>;
  /** What the stored history says as of the event (history rules only; see HistoryDetector). */
  readonly history: HistoryFacts | undefined;
  #detail: OperationDetail | undefined;

  constructor(fields: Readonly<Record<string, unknown>>, history?: HistoryFacts) {
    this.fields = fields;
    this.history = history;
  }

  /** The field's text, or '' when absent or not a string. Not trimmed: use `key` to compare loosely. */
  text(name: string): string {
    const value = this.fields[name];
    return typeof value === 'string' ? value : '';
  }

  /** The field's text trimmed, inner whitespace collapsed, lower-cased: for comparisons robust to Zoom's spacing and case. */
  key(name: string): string {
    return looseKey(this.text(name));
  }

  /** The parsed `operation_detail` (memoized). */
  get detail(): OperationDetail {
    return (this.#detail ??= parseOperationDetail(this.text('category_type'), this.text('action'), this.text('operation_detail')));
  }

  /**
   * A data-model (`p_udm`) value: from the stored `p_udm` when present, else
   * computed from the Zoom fields (events given raw to `rules run`).
   */
  udm(name: 'actor_user' | 'source_ip' | 'event_type'): string | undefined {
    const stored = this.fields.p_udm;
    if (stored !== null && typeof stored === 'object') {
      const value = (stored as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : undefined;
    }
    const isActivity = this.fields.p_log_type === 'Zoom.Activity' || (this.fields.p_log_type === undefined && 'type' in this.fields && !('category_type' in this.fields));
    switch (name) {
      case 'actor_user':
        return (isActivity ? this.text('email') : this.text('operator')) || undefined;
      case 'source_ip':
        return isActivity ? this.text('ip_address') || undefined : undefined;
      case 'event_type':
        return isActivity ? activityEventType(this.fields) : operationEventType(this.fields);
    }
  }
}

const WHITESPACE_RUN = /\s+/g;

/** Trimmed, whitespace runs collapsed to one space, lower-cased. */
export function looseKey(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim().toLowerCase();
}
