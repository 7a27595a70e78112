import type { DestinationSender } from './destination.js';

/** Writes the alert to Zoomtrail's own log: for log shippers, and a destination that cannot fail. */
export const logSender: DestinationSender = {
  kind: 'log',
  description: "Writes each alert as one structured warn line to Zoomtrail's log.",
  needsSecret: false,

  validate(_settings, secret) {
    return secret ? 'a log destination takes no secret' : null;
  },

  targets: () => [],

  async send(notification, _settings, _secret, context) {
    const { alertId, ruleId, title, severity, eventCount, status } = notification;
    context.logger.warn({ alert: { id: alertId, rule: ruleId, title, severity, count: eventCount, status } }, `alert ${title}`);
    return { ok: true, status: null, message: 'written to the log' };
  },
};
