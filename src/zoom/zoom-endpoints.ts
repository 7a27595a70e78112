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
 * Checks a URL setting and says what is wrong with it, naming the setting.
 * @returns an error message, or undefined when the URL is usable.
 */
export function checkEndpointUrl(name: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} "${value}" is not a URL: use e.g. ${name === 'API URL' ? ZOOM_COMMERCIAL.apiUrl : ZOOM_COMMERCIAL.oauthUrl}.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${name} must be http(s), not ${url.protocol}`;
  if (url.username || url.password) return `${name} must not contain credentials.`;
  return undefined;
}
