import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';

type PinoModule = typeof import('pino');

let pinoModule: PinoModule | undefined;

/**
 * pino, loaded on first use (its CommonJS build, loaded synchronously): commands
 * that log nothing (`zoomtrail --help`, `rules list`, `source list`) start without it.
 */
function loadPino(): PinoModule {
  return (pinoModule ??= createRequire(import.meta.url)('pino') as PinoModule);
}

/**
 * Keys whose values are never logged, wherever they appear in a log object.
 * Free text is cleaned separately by SecretRedactor before it becomes a message.
 */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'password',
  'secret',
  'code_verifier',
  'codeVerifier',
  // The runtime config carries the store's key and the pull command's credentials.
  'secretKey',
  'secret_key',
];

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key}`, `req.headers.${key}`]);

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return loadPino().pino(
    {
      name: options.name ?? 'zoomtrail',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
}

/** The CLI's default logger: JSON lines written synchronously on stderr, so stdout stays data. */
export function createStderrLogger(options: { level?: string; name?: string } = {}): Logger {
  return createLogger(options, loadPino().destination({ fd: 2, sync: true }));
}
