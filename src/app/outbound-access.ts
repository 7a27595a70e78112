import type { RuntimeConfig } from '../config/runtime-config.js';
import { createOutboundAccess, type OutboundAccess, type ResolveHost } from '../shared/guarded-fetch.js';
import { createOutboundAddressPolicy } from '../shared/outbound-address-policy.js';

export interface OutboundAccessOptions {
  /** Exact origins allowed besides ZOOMTRAIL_ALLOWED_NETWORKS (`start --demo`: its simulator). */
  allowedOrigins?: readonly string[];
  /** Host name resolution (tests). */
  resolve?: ResolveHost;
}

/**
 * The outbound address policy of this process (ZOOMTRAIL_ALLOWED_NETWORKS) and
 * the one fetch every outbound connection uses (Zoom, OAuth, destinations,
 * source checks), made once when the app opens.
 */
export function outboundAccessFor(config: Pick<RuntimeConfig, 'allowedNetworks'>, options: OutboundAccessOptions = {}): OutboundAccess {
  const policy = createOutboundAddressPolicy({ allowedNetworks: config.allowedNetworks ?? [], allowedOrigins: options.allowedOrigins ?? [] });
  return createOutboundAccess(policy, options.resolve ? { resolve: options.resolve } : {});
}
