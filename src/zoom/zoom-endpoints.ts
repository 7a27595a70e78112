import { isLoopbackHost, type OutboundAddressPolicy } from '../shared/outbound-address-policy.js';

/**
 * Where a source talks to Zoom. Both are settings because ZoomGov lives
 * elsewhere (api.zoomgov.com, tokens from zoomgov.com) and because tests and
 * the demo talk to the simulator.
 */
export interface ZoomEndpoints {
  /** API base including the version, e.g. `https://api.zoom.us/v2`. */
  apiUrl: string;
  /** OAuth host; `/oauth/token`, `/oauth/authorize` and `/oauth/revoke` are appended. */
  oauthUrl: string;
}

export const ZOOM_COMMERCIAL: ZoomEndpoints = { apiUrl: 'https://api.zoom.us/v2', oauthUrl: 'https://zoom.us' };

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Checks a URL setting and says what is wrong with it, naming the setting:
 * https only (the client secret goes there as Basic auth), plain http only to
 * a loopback address (the simulator), and a host the outbound address policy
 * allows (no private, loopback or link-local address unless allowed).
 * @returns an error message, or undefined when the URL is usable.
 */
export function checkEndpointUrl(name: string, value: string, policy: OutboundAddressPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} "${value}" is not a URL: use e.g. ${name === 'API URL' ? ZOOM_COMMERCIAL.apiUrl : ZOOM_COMMERCIAL.oauthUrl}.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${name} must be http(s), not ${url.protocol}`;
  if (url.username || url.password) return `${name} must not contain credentials.`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `${name} must use https://: the client secret is sent there (plain http:// only to a loopback address such as 127.0.0.1, for the simulator).`;
  }
  const refusal = policy.refusalForUrl(url);
  if (refusal) return `${name}: ${refusal}.`;
  return undefined;
}
