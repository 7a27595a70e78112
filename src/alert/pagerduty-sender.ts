import type { Severity } from '../domain/severity.js';
import type { AlertNotification, DestinationSender } from './destination.js';
import type { DestinationSecret, DestinationSettings } from '../domain/destination-settings.js';
import { checkDestinationUrl, postJson } from './http-delivery.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const SUMMARY_MAX = 1024;

const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'info',
  INFO: 'info',
};

/**
 * The Events API v2 event for an alert. The dedup key is derived from the
 * alert id so later acknowledge/resolve events update the same PagerDuty incident.
 */
export function pagerdutyEvent(notification: AlertNotification, routingKey: string): Record<string, unknown> {
  const n = notification;
  const summary = n.title.length > SUMMARY_MAX ? `${n.title.slice(0, SUMMARY_MAX - 1)}…` : n.title;
  return {
    routing_key: routingKey,
    event_action: n.status === 'resolved' ? 'resolve' : n.status === 'acknowledged' ? 'acknowledge' : 'trigger',
    dedup_key: `zoomtrail-${n.alertId}`,
    payload: {
      summary,
      source: 'zoomtrail',
      severity: PD_SEVERITY[n.severity],
      timestamp: n.firstEventTime,
      component: 'zoom',
      group: n.ruleId,
      class: n.ruleDisplayName,
      custom_details: {
        ...n.context,
        eventCount: n.eventCount,
        dedup: n.dedup,
        runbook: n.runbook,
        reference: n.reference,
        mitre: n.mitre,
        tags: n.tags,
      },
    },
    links: n.url ? [{ href: n.url, text: 'Open in Zoomtrail' }] : [],
  };
}

function validatePagerduty(settings: DestinationSettings, secret: DestinationSecret): string | null {
  if (settings.url !== undefined) {
    const urlProblem = checkDestinationUrl(settings.url, 'the PagerDuty events url', 'loopback');
    if (urlProblem) return urlProblem;
  }
  if (!secret) return 'a PagerDuty destination needs the integration routing key (Events API v2) as its secret';
  if (/\s/.test(secret)) return 'the PagerDuty routing key must not contain spaces or line breaks';
  return null;
}

/** Opens, acknowledges and resolves PagerDuty incidents through the Events API v2. */
export const pagerdutySender: DestinationSender = {
  kind: 'pagerduty',
  description: 'Sends each alert to PagerDuty through the Events API v2 (the secret is the integration routing key).',
  needsSecret: true,
  validate: validatePagerduty,
  targets: (settings) => [{ field: 'url', what: 'the PagerDuty events url', url: settings.url ?? PAGERDUTY_EVENTS_URL }],

  async send(notification, settings, secret, context) {
    const problem = validatePagerduty(settings, secret);
    if (problem || !secret) return { ok: false, retryable: false, status: null, message: problem ?? 'invalid settings' };
    const body = JSON.stringify(pagerdutyEvent(notification, secret));
    return postJson(settings.url ?? PAGERDUTY_EVENTS_URL, body, { 'User-Agent': 'zoomtrail' }, context, {
      redact: [secret],
    });
  },
};
