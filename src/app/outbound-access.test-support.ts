import type { OutboundAccess } from '../shared/guarded-fetch.js';
import { outboundAccessFor } from './outbound-access.js';

/** What tests allow: their receivers and simulators listen on loopback (ZOOMTRAIL_ALLOWED_NETWORKS in the CLI tests). */
export const TEST_ALLOWED_NETWORKS = ['127.0.0.0/8', '::1'] as const;

/** The production policy and guarded fetch, with loopback allowed as tests need. */
export function loopbackOutbound(): OutboundAccess {
  return outboundAccessFor({ allowedNetworks: [...TEST_ALLOWED_NETWORKS] });
}
