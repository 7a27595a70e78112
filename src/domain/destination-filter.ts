import { SEVERITIES, type Severity } from './severity.js';
import type { DestinationSettings } from './destination-settings.js';

/** Whether an alert is sent to a destination: enabled, at or above its minimum severity, and one of its rules if it names any. */
export function destinationWants(
  destination: { enabled: boolean; settings: DestinationSettings },
  alert: { type: 'rule' | 'system'; ruleId: string; severity: Severity },
): boolean {
  if (!destination.enabled) return false;
  const min = destination.settings.minSeverity ?? 'INFO';
  if (SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(min)) return false;
  const ruleIds = destination.settings.ruleIds ?? [];
  return alert.type === 'system' || ruleIds.length === 0 || ruleIds.includes(alert.ruleId);
}
