/**
 * Removes secrets from text before it becomes an error message or a log line:
 * every registered secret (each occurrence, also URL-encoded or JSON-escaped,
 * longest first so a secret holding another goes whole), any JWT (header,
 * payload and signature, e.g. a Zoom access token), and any Bearer or Basic
 * credential.
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
    const forms = new Set<string>();
    for (const secret of this.#secrets) {
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
      if (out.includes(form)) out = out.split(form).join('[REDACTED]');
    }
    // A JWT's payload is readable by anyone: never legitimate content of a message, registered or not.
    out = out.replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, '[REDACTED]');
    // Bearer and Basic credentials are never legitimate content of a message.
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]');
  }
}
