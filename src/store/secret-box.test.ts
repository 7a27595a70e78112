import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSecretKey, SecretBox } from './secret-box.js';
import { SecretKeyError } from './store-errors.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals to a versioned text format with a fresh IV each time and opens it back', () => {
    const a = box.seal('s3cret');
    const b = box.seal('s3cret');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(a.split(':')[1]!, 'base64')).toHaveLength(12);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(box.open(a)).toBe('s3cret');
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('ünïcødé ✓'))).toBe('ünïcødé ✓');
  });

  it('throws SecretKeyError, never garbage, for a wrong key, a tampered value or another context', () => {
    const sealed = box.seal('s3cret', 'sources/a/client_secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'sources/a/client_secret')).toThrow(SecretKeyError);
    const parts = sealed.split(':');
    const data = Buffer.from(parts[3]!, 'base64');
    data[0] = data[0]! ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], data.toString('base64')].join(':'), 'sources/a/client_secret')).toThrow(SecretKeyError);
    expect(() => box.open(sealed, 'sources/b/client_secret')).toThrow(SecretKeyError);
    expect(() => box.open('plain text')).toThrow(SecretKeyError);
    expect(() => box.open('v2:a:b:c')).toThrow(SecretKeyError);
  });

  it('parses keys as 64 hex characters or base64 of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('hex').toUpperCase()}\n`)).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(randomBytes(31).toString('hex'))).toBeUndefined();
    expect(parseSecretKey(randomBytes(33).toString('base64'))).toBeUndefined();
    expect(parseSecretKey('x'.repeat(64))).toBeUndefined();
  });
});
