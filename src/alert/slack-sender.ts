import type { AlertNotification, DestinationSender } from './destination.js';
import type { DestinationSecret } from '../domain/destination-settings.js';
import { checkDestinationUrl, postJson } from './http-delivery.js';

const HEADER_MAX = 150;
const RUNBOOK_MAX = 300;

/** Slack's mrkdwn treats these three as control characters; everything else is literal. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The Slack message for an alert: `text` is the notification fallback, `blocks` what the channel shows. */
export function slackMessage(notification: AlertNotification): { text: string; blocks: unknown[] } {
  const n = notification;
  const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeMrkdwn(value)}` });
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(n.title, HEADER_MAX), emoji: false } },
    {
      type: 'section',
      fields: [
        field('Severity', n.severity),
        field('Rule', n.ruleDisplayName),
        field('Events', String(n.eventCount)),
        field('Status', n.status),
        field('First event', n.firstEventTime),
        field('Last event', n.lastEventTime),
      ],
    },
  ];
  if (n.runbook.trim()) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Runbook*\n${escapeMrkdwn(truncate(n.runbook.trim(), RUNBOOK_MAX))}` } });
  }
  if (n.url !== null) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${escapeMrkdwn(n.url)}|Open in Zoomtrail>` } });
  }
  // The fallback is mrkdwn too: escaped, so a title from Zoom cannot ping <!channel> or hide a link.
  return { text: escapeMrkdwn(`[${n.severity}] ${n.title}`), blocks };
}

/** The URL, its path and its last segment (the token): a receiver's error page may echo any of them. */
function secretParts(secret: string): string[] {
  const { pathname } = new URL(secret);
  return [secret, pathname, pathname.split('/').pop() ?? ''].filter((part) => part.length >= 8);
}

function validateSlack(_settings: unknown, secret: DestinationSecret): string | null {
  const what = 'the Slack secret (the incoming-webhook URL, https://hooks.slack.com/services/…)';
  if (!secret) return `a Slack destination needs ${what}`;
  return checkDestinationUrl(secret, what, 'loopback');
}

/** Posts to a Slack incoming webhook. Its URL is the secret, so messages name only the host. */
export const slackSender: DestinationSender = {
  kind: 'slack',
  description: 'Posts each alert to a Slack channel through an incoming webhook (the secret is the webhook URL).',
  needsSecret: true,
  validate: validateSlack,
  targets: (_settings, secret) => (secret ? [{ field: 'secret', what: 'the Slack secret (the incoming-webhook URL)', url: secret }] : []),

  async send(notification, settings, secret, context) {
    const problem = validateSlack(settings, secret);
    if (problem || !secret) return { ok: false, retryable: false, status: null, message: problem ?? 'invalid settings' };
    const body = JSON.stringify(slackMessage(notification));
    return postJson(secret, body, { 'User-Agent': 'zoomtrail' }, context, { redact: secretParts(secret) });
  },
};
