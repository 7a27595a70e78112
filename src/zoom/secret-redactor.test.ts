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

  it('removes every occurrence, a secret holding another whole, and URL-encoded or JSON-escaped copies', () => {
    const redactor = new SecretRedactor();
    redactor.add('client-secret-1');
    redactor.add('client-secret-1/with+more"quoted');
    const text = 'a client-secret-1 b client-secret-1/with+more"quoted c client-secret-1%2Fwith%2Bmore%22quoted d "client-secret-1/with+more\\"quoted" e client-secret-1';
    const out = redactor.redact(text);
    expect(out).not.toMatch(/client-secret|with|more|quoted/);
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(5);
  });

  it('removes a JWT whole (header, payload, signature) even when nobody registered it, so its readable payload never shows', () => {
    const payload = Buffer.from(JSON.stringify({ uid: 'user-123', accountId: 'acct-9' })).toString('base64url');
    const jwt = `eyJhbGciOiJIUzUxMiJ9.${payload}.c2lnbmF0dXJlLXNpZw`;
    const out = new SecretRedactor().redact(`token endpoint answered {"access_token":"${jwt}","expires_in":3599}`);
    expect(out).toBe('token endpoint answered {"access_token":"[REDACTED]","expires_in":3599}');
  });
});
