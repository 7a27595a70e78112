/** Hosts that mean "this machine" to a browser on it: the public URL names them as localhost. */
const LOCAL_HOSTS = new Set(['', '127.0.0.1', '0.0.0.0', '::', '::1', 'localhost']);

/**
 * The public URL when none is set: `http://localhost:<port>` for a loopback or
 * every-interface host, otherwise `http://<host>:<port>` (IPv6 in brackets).
 */
export function derivedPublicUrl(host: string, port: number): string {
  const name = LOCAL_HOSTS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * The URL users reach Zoomtrail at, for links and the OAuth Redirect URL.
 * A public URL that was set (ZOOMTRAIL_PUBLIC_URL or publicUrl in the config
 * file) is the address of what users reach, typically a reverse proxy, so it
 * wins whatever port Zoomtrail itself listens on; when none was set, it
 * follows the host and port actually listened on.
 */
export function effectivePublicUrl(config: { publicUrl: string; publicUrlIsSet?: boolean }, listen: { host: string; port: number }): string {
  return config.publicUrlIsSet ? config.publicUrl : derivedPublicUrl(listen.host, listen.port);
}
