import { ActionableError } from '../shared/actionable-error.js';
import { ZoomError } from '../zoom/zoom-errors.js';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** A bug or an unexpected failure. */
  unexpected: 1,
  /** Bad command line, configuration, data directory, secret key or unknown source: fix what the message names. */
  usage: 2,
  /** Zoom refused the request for a reason retrying cannot fix (credentials, scope, plan, permission, range). */
  zoomRefused: 3,
  /** Zoom unavailable, rate limited or daily budget spent: try again later. */
  zoomUnavailable: 4,
} as const;

/** Prints an error as `error:` and `fix:` lines on stderr and returns the exit code it deserves. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof ZoomError) {
    stderr.write(`error: ${error.message}\nfix: ${error.fix}\n${error.trackingId ? `zoom tracking id: ${error.trackingId}\n` : ''}`);
    return error.retryable ? EXIT.zoomUnavailable : EXIT.zoomRefused;
  }
  if (error instanceof ActionableError) {
    stderr.write(`error: ${error.message}\nfix: ${error.fix}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.unexpected;
}

/** A mistake in how the command was called or configured; the message names the option or setting. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
