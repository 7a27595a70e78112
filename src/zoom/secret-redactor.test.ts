import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './secret-redactor.js';

describe('SecretRedactor', () => {
  it('removes registered secrets and any Bearer or Basic credential', () => {
    const redactor = new SecretRedactor();
    redactor.add('s3cr3t-client-secret');
    const text = 'failed with s3cr3t-client-secret; header Bearer eyJhbGciOi.abc.def and Basic Zm9vOmJhcmJheg==';
    const out = redactor.redact(text);
    expect(out).not.toContain('s3cr3t-client-secret');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('Zm9vOmJhcmJheg');
    expect(out).toContain('[REDACTED]');
  });
  it('ignores values too short to be secrets, which would redact ordinary words', () => {
    const redactor = new SecretRedactor();
    redactor.add('the');
    expect(redactor.redact('the end')).toBe('the end');
  });
});
