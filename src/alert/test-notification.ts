import type { RuleMeta } from '../detect/rule.js';
import type { AlertRecord } from '../store/alert-store.js';
import { buildNotification } from './alert-notification.js';
import type { AlertNotification } from './destination.js';

/** The made-up rule of a test alert (`zoomtrail destination test`, POST /api/destinations/:id/test). */
export const TEST_RULE_META: RuleMeta = {
  id: 'Zoomtrail.Test',
  displayName: 'Zoomtrail test alert',
  logTypes: [],
  severity: 'INFO',
  description: 'A test alert sent by `zoomtrail destination test`; nothing happened in Zoom.',
  runbook: 'Nothing to do: this checks that alerts reach this destination.',
  reference: '',
  tags: [],
  mitre: [],
  dedupPeriodMinutes: 60,
  threshold: 1,
  summaryAttributes: [],
  enabled: true,
};

/** A test alert raised `now`, matching TEST_RULE_META. */
export function testAlert(now: number): AlertRecord {
  return {
    id: `test-${now}`,
    type: 'rule',
    ruleId: 'Zoomtrail.Test',
    dedup: `test-${now}`,
    title: 'Zoomtrail test alert',
    severity: 'INFO',
    firstEventMs: now,
    lastEventMs: now,
    eventCount: 1,
    dedupPeriodMs: 3_600_000,
    threshold: 1,
    raisedAt: now,
    status: 'open',
    statusChangedAt: null,
    statusNote: null,
    context: {},
    createdAt: now,
    updatedAt: now,
  };
}

/** The `raised` notification of a test alert, sent directly to a destination to check it. */
export function testNotification(now: number): AlertNotification {
  return buildNotification(testAlert(now), TEST_RULE_META, 'raised', null);
}
