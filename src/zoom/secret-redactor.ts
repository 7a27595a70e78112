/**
 * Removes known secret values from text before it reaches a log line or an
 * error message. Structured logs are redacted by key (see shared/logger.ts);
 * this covers free text, such as an error body that echoes what we sent.
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Registers a value that must never be shown. Short values are ignored: they would redact ordinary words. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 8) this.#secrets.add(secret);
  }

  remove(secret: string | undefined | null): void {
    if (secret) this.#secrets.delete(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    // Bearer and Basic credentials are never legitimate content of a message.
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]');
  }
}
