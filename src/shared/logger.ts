import { pino, type Logger, type DestinationStream } from 'pino';

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
  return pino(
    {
      name: options.name ?? 'zoomtrail',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
}
