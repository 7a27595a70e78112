import { looseKey, type RuleEvent } from '../../detect/rule-event.js';
import type { OperationDetail, SettingChange } from '../../normalize/operation-detail-parser.js';

/**
 * What several Zoom rules check, written once. Category and action are
 * compared loosely (case, spacing): Zoom writes `Update`, `Batch Update`,
 * `SCIM API - Update`, and other products `UPDATE`.
 */

const NO_CHANGES: readonly SettingChange[] = [];

/** `category_type` is `Account` and the action is an update of any kind. */
export function isAccountUpdate(e: RuleEvent): boolean {
  return isCategory(e, 'Account') && isUpdateAction(e);
}

/** The action is `Update` or contains "update" in any case. */
export function isUpdateAction(e: RuleEvent): boolean {
  const action = e.text('action');
  return action === 'Update' || looseKey(action).includes('update');
}

/** `category_type` is `name` (Zoom's Title Case, or the same words in any case and spacing). */
export function isCategory(e: RuleEvent, name: string): boolean {
  const category = e.text('category_type');
  return category === name || looseKey(category) === looseKey(name);
}

/**
 * Panther's own test on the raw `operation_detail`: every flag occurs as
 * written (case- and space-sensitive). Rules apply it as their floor, so every
 * event Panther alerts on still alerts; everything more tolerant than Panther
 * comes from the parsed detail (`e.detail`), the same for every rule.
 */
export function rawDetailIncludes(e: RuleEvent, ...flags: readonly string[]): boolean {
  const raw = e.text('operation_detail');
  return flags.every((flag) => raw.includes(flag));
}

/** The operator as written, or Panther's placeholder when absent. */
export function operatorOf(e: RuleEvent, placeholder = '<NO_OPERATOR>'): string {
  return typeof e.fields.operator === 'string' ? e.fields.operator : placeholder;
}

/** A change from On to Off, in any case. */
export function isOnToOff(change: SettingChange): boolean {
  return change.from.toLowerCase() === 'on' && change.to.toLowerCase() === 'off';
}

/** The setting changes of a settings or group detail; none otherwise. */
export function settingChangesOf(detail: OperationDetail): readonly SettingChange[] {
  return detail.kind === 'settings' || detail.kind === 'group' ? detail.changes : NO_CHANGES;
}

/** The changes of a `sectionKey` settings detail that turn `settingKey` from On to Off. */
export function settingTurnedOff(detail: OperationDetail, sectionKey: string, settingKey: string): SettingChange[] {
  if (detail.kind !== 'settings' || detail.sectionKey !== sectionKey) return [];
  return detail.changes.filter((change) => change.settingKey === settingKey && isOnToOff(change));
}

/** The alert context of an account settings rule: who, which section, and the risky changes. */
export function settingsAlertContext(e: RuleEvent, risky: readonly SettingChange[]): Record<string, unknown> {
  const detail = e.detail;
  return {
    operator: e.text('operator'),
    section: detail.kind === 'settings' ? detail.section : null,
    changes: risky.map((c) => ({ setting: c.setting, from: c.from, to: c.to })),
  };
}
