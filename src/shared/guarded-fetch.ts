import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { Agent, fetch as undiciFetch } from 'undici';
import { ActionableError } from './actionable-error.js';
import { ALLOWED_NETWORKS_SETTING, type OutboundAddressPolicy } from './outbound-address-policy.js';

/** Every address a host name resolves to (tests give one that answers what they need). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** A connection Zoomtrail refused to open: its address is outside the outbound address policy. */
export class OutboundAddressRefusedError extends ActionableError {
  override readonly name: string = 'OutboundAddressRefusedError';

  constructor(reason: string) {
    super(
      'outbound_address_refused',
      `Connection refused by Zoomtrail: ${reason}.`,
      `Use a public address; to reach a private, loopback or link-local network on purpose, add it to ${ALLOWED_NETWORKS_SETTING} (comma-separated CIDR ranges).`,
    );
  }
}

/** What every outbound connection goes through: the address policy and the fetch that enforces it. */
export interface OutboundAccess {
  policy: OutboundAddressPolicy;
  fetch: typeof fetch;
}

const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup for net.connect that resolves with `resolve` and keeps only the
 * addresses the policy allows; when none is left it fails with the refusal.
 * Checked on every connection, so a name that resolved to a public address
 * when it was saved and resolves to 127.0.0.1 now (DNS rebinding) is refused.
 */
export function guardedLookup(policy: OutboundAddressPolicy, resolve: ResolveHost = systemResolve) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        const refusals = wanted.map((a) => policy.refusalForAddress(a.address));
        const usable = wanted.filter((_, i) => refusals[i] === null);
        if (usable.length === 0) {
          const reason = refusals.find((r) => r !== null);
          const error: NodeJS.ErrnoException = reason
            ? new OutboundAddressRefusedError(`${hostname} resolves to ${reason}`)
            : Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
          callback(error, options.all ? [] : '');
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };
}

/** The refusal somewhere in an error's cause chain (undici wraps connection errors in "fetch failed"). */
function refusalIn(error: unknown): OutboundAddressRefusedError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundAddressRefusedError) return e;
  }
  return undefined;
}

/**
 * A fetch that connects only where `policy` allows: the URL's host is checked
 * before connecting (an IP address is never looked up), and every address a
 * host name resolves to is checked at connection time (guardedLookup).
 * Redirects are never followed, whatever the caller asks: a request carrying
 * credentials (Basic auth, a bearer token, a signed body) must not be replayed
 * to another host; the caller sees the 3xx. undici loads on the first request,
 * so commands that never connect do not load it.
 */
export function createGuardedFetch(policy: OutboundAddressPolicy, options: { resolve?: ResolveHost } = {}): typeof fetch {
  let loaded: Promise<{ fetch: typeof undiciFetch; agent: Agent }> | undefined;
  const load = async () => {
    const undici = await import('undici');
    return { fetch: undici.fetch, agent: new undici.Agent({ connect: { lookup: guardedLookup(policy, options.resolve) } }) };
  };
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('the guarded fetch takes a URL and options, not a Request');
    const url = new URL(input);
    const refusal = policy.refusalForUrl(url);
    if (refusal) throw new OutboundAddressRefusedError(refusal);
    const { fetch: send, agent } = await (loaded ??= load());
    try {
      // The same WHATWG fetch as the global one (Node's is undici), with our connection rules.
      // Node's own fetch types (undici-types) and the undici package's differ only in iterator details.
      return await send(url, { ...(init as Parameters<typeof undiciFetch>[1]), redirect: 'manual', dispatcher: agent });
    } catch (error) {
      throw refusalIn(error) ?? error;
    }
  };
  return guarded;
}

/** The policy and its fetch, made once per process from the configuration. */
export function createOutboundAccess(policy: OutboundAddressPolicy, options: { resolve?: ResolveHost } = {}): OutboundAccess {
  return { policy, fetch: createGuardedFetch(policy, options) };
}
