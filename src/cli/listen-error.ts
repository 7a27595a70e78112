import { ActionableError } from '../shared/actionable-error.js';

/** What was trying to listen, and the flags that change where. */
export interface ListenTarget {
  /** e.g. "the API and console", "the demo simulator". */
  what: string;
  host: string;
  port: number;
  /** The option that changes the port: "--port", "--sim-port". */
  portFlag: string;
  /** The environment variable that also sets it, if any. */
  portEnv?: string;
  /** The option that changes the address, if there is one. */
  hostFlag?: string;
  /** Who else may hold the port, in words: "another `zoomtrail start`". */
  likelyHolder: string;
}

/**
 * A failed listen as an error the user can act on (exit 2, `fix:` line):
 * port taken, port needing privileges, or an address not on this machine.
 * Any other error is returned unchanged.
 */
export function listenError(error: unknown, target: ListenTarget): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const other = target.port + 1;
  const choose = `${target.portFlag} ${other}${target.portEnv ? ` (or ${target.portEnv}=${other})` : ''}`;
  if (code === 'EADDRINUSE') {
    return new ActionableError(
      'port_in_use',
      `${capitalize(target.what)} cannot listen on ${where}: the port is already in use (${target.likelyHolder}?).`,
      `Stop the program that holds port ${target.port}, or choose another port, e.g. ${choose}; ${target.portFlag} 0 picks a free one.`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new ActionableError(
      'port_not_allowed',
      `${capitalize(target.what)} cannot listen on ${where}: this user may not open that port.`,
      `Choose a port above 1023 with ${target.portFlag}${target.portEnv ? ` (or ${target.portEnv})` : ''}, and put a reverse proxy in front if users must reach port ${target.port}.`,
      { cause: error },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ActionableError(
      'address_not_available',
      `${capitalize(target.what)} cannot listen on ${where}: ${target.host} is not an address of this machine.`,
      target.hostFlag ? `Give ${target.hostFlag} an address of this machine: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).` : 'Use an address of this machine.',
      { cause: error },
    );
  }
  return error;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
