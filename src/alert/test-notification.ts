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
  description: 'A test alert sent to check a destination; nothing happened in Zoom.',
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
    assignee: null,
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

/** Who sent a test alert, and from where: the console (a signed-in user), the API (a user's token) or the CLI. */
export type TestAlertOrigin = { from: 'console' | 'api'; username: string } | { from: 'cli' };

/** "from the Zoomtrail console by alice", "through the Zoomtrail API by alice (API token)", "from the command line (`zoomtrail destination test`)". */
export function describeTestAlertOrigin(origin: TestAlertOrigin): string {
  if (origin.from === 'cli') return 'from the command line (`zoomtrail destination test`)';
  return origin.from === 'console' ? `from the Zoomtrail console by ${origin.username}` : `through the Zoomtrail API by ${origin.username} (API token)`;
}

/** The `raised` notification of a test alert, sent directly to a destination to check it; it says who sent it from where. */
export function testNotification(now: number, origin: TestAlertOrigin): AlertNotification {
  const sentBy = describeTestAlertOrigin(origin);
  const meta: RuleMeta = {
    ...TEST_RULE_META,
    description: `A test alert sent ${sentBy} to check this destination; nothing happened in Zoom.`,
    runbook: `Nothing to do: sent ${sentBy} to check that alerts reach this destination.`,
  };
  const alert = { ...testAlert(now), context: { sentFrom: origin.from, ...(origin.from === 'cli' ? {} : { sentBy: origin.username }) } };
  return buildNotification(alert, meta, 'raised', null);
}
