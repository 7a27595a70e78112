import type { RuleMeta } from '../detect/rule.js';
import type { AlertRecord } from '../store/alert-store.js';
import type { DeliveryNotice } from '../store/destination-store.js';
import type { AlertNotification } from './destination.js';

/**
 * What is sent about an alert: the alert as it is now (count, last event),
 * the rule's description, runbook and mapping, and the console link when a
 * public URL is set. `meta` is undefined for a rule this build does not know
 * (an alert of a removed rule): the alert's own fields stand in.
 */
export function buildNotification(alert: AlertRecord, meta: RuleMeta | undefined, notice: DeliveryNotice, publicUrl: string | null): AlertNotification {
  return {
    alertId: alert.id,
    type: alert.type,
    ruleId: alert.ruleId,
    ruleDisplayName: meta?.displayName ?? alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    dedup: alert.dedup,
    status: notice === 'resolved' ? 'resolved' : 'open',
    eventCount: alert.eventCount,
    firstEventTime: new Date(alert.firstEventMs).toISOString(),
    lastEventTime: new Date(alert.lastEventMs).toISOString(),
    createdAt: new Date(alert.raisedAt ?? alert.createdAt).toISOString(),
    description: meta?.description ?? '',
    runbook: meta?.runbook ?? '',
    reference: meta?.reference ?? '',
    tags: meta?.tags ?? [],
    mitre: meta?.mitre ?? [],
    context: alert.context,
    url: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alert.id)}` : null,
  };
}
