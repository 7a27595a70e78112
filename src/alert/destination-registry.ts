import type { DestinationSender } from './destination.js';
import type { DestinationKind } from '../domain/destination-settings.js';
import { logSender } from './log-sender.js';
import { pagerdutySender } from './pagerduty-sender.js';
import { slackSender } from './slack-sender.js';
import { webhookSender } from './webhook-sender.js';

/** Every destination kind's sender; `satisfies` makes a kind added to DESTINATION_KINDS without a sender a type error. */
const SENDERS = {
  webhook: webhookSender,
  slack: slackSender,
  pagerduty: pagerdutySender,
  log: logSender,
} satisfies Record<DestinationKind, DestinationSender>;

export const DESTINATION_SENDERS: ReadonlyMap<DestinationKind, DestinationSender> = new Map(Object.entries(SENDERS) as [DestinationKind, DestinationSender][]);

/** The sender for `kind`; throws on a kind unknown to this build (e.g. a row written by a newer version). */
export function senderFor(kind: DestinationKind): DestinationSender {
  const sender = DESTINATION_SENDERS.get(kind);
  if (!sender) throw new Error(`unknown alert destination kind "${kind}"`);
  return sender;
}
