import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('never writes the secrets a runtime config carries, at any depth', async () => {
    const out = capture();
    const logger = createLogger({ level: 'info' }, out.stream);
    const config = { dataDir: '/data', secretKey: 'k'.repeat(44), zoomCredentials: { clientSecret: 'client-secret-value', clientId: 'id' } };
    logger.info({ config }, 'config loaded');
    logger.info({ secretKey: 'top-level-key-value' }, 'top level');
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const text = out.text();
    expect(text).toContain('config loaded');
    expect(text).toContain('/data');
    expect(text).not.toContain('k'.repeat(44));
    expect(text).not.toContain('client-secret-value');
    expect(text).not.toContain('top-level-key-value');
  });
});
