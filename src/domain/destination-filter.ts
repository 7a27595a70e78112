import { SEVERITIES, type Severity } from './severity.js';
import type { DestinationSettings } from './destination-settings.js';

/**
 * Whether an alert is sent to a destination. A rule tuned with a list of
 * destinations (`routedTo`, names or ids) goes to exactly those, when
 * enabled: the rule's own routing is the more specific choice, so the
 * destinations' minimum severity and rule list do not apply to it.
 * Otherwise: enabled, at or above its minimum severity, and one of its rules
 * if it names any.
 */
export function destinationWants(
  destination: { id?: string; name?: string; enabled: boolean; settings: DestinationSettings },
  alert: { type: 'rule' | 'system'; ruleId: string; severity: Severity },
  routedTo?: readonly string[] | null,
): boolean {
  if (!destination.enabled) return false;
  if (routedTo && alert.type === 'rule') return routedTo.some((n) => n === destination.name || n === destination.id);
  const min = destination.settings.minSeverity ?? 'INFO';
  if (SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(min)) return false;
  const ruleIds = destination.settings.ruleIds ?? [];
  return alert.type === 'system' || ruleIds.length === 0 || ruleIds.includes(alert.ruleId);
}
