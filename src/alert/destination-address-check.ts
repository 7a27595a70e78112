import type { DestinationKind, DestinationSecret, DestinationSettings } from '../domain/destination-settings.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import { senderFor } from './destination-registry.js';

/**
 * The first URL of a destination whose host the outbound address policy
 * refuses (loopback, private, link-local...), with the field holding it and
 * why; null when every one may be reached. Never names more of the URL than
 * its host: a Slack URL is a secret.
 */
export function destinationAddressProblem(
  kind: DestinationKind,
  settings: DestinationSettings,
  secret: DestinationSecret,
  policy: OutboundAddressPolicy,
): { field: 'url' | 'secret'; message: string } | null {
  for (const target of senderFor(kind).targets(settings, secret)) {
    const refusal = policy.refusalForUrl(target.url);
    if (refusal) return { field: target.field, message: `${target.what}: ${refusal}` };
  }
  return null;
}
