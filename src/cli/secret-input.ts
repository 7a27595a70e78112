import { createInterface } from 'node:readline';
import { UsageError } from './exit-codes.js';

/** How a command is given a secret: never as a flag value, which shells keep in their history. */
export interface SecretInputOptions {
  /** The name of an environment variable holding the secret. */
  secretEnv?: string;
  /** Read the secret from the first line of stdin. */
  secretStdin?: boolean;
}

/** From the named environment variable or the first line of stdin; never from a flag value. Null when neither is given. */
export async function readSecretInput(options: SecretInputOptions): Promise<string | null> {
  if (options.secretEnv !== undefined) {
    const value = process.env[options.secretEnv];
    if (value === undefined || value.trim() === '') throw new UsageError(`--secret-env: the environment variable ${options.secretEnv} is not set or empty.`);
    return value.trim();
  }
  if (options.secretStdin) {
    if (process.stdin.isTTY) process.stderr.write('Secret (one line, then Enter): ');
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let secret = '';
    for await (const line of lines) {
      secret = line.trim();
      break;
    }
    lines.close();
    if (secret === '') throw new UsageError('--secret-stdin: stdin held no secret (an empty first line).');
    return secret;
  }
  return null;
}
