import { describe, expect, it } from 'vitest';
import { derivedPublicUrl, effectivePublicUrl } from './public-url.js';
import { resolveRuntimeConfig } from './runtime-config.js';

const config = (env: Record<string, string>) => resolveRuntimeConfig({ env, cwd: '/nonexistent-zoomtrail-test' });

describe('public URL precedence', () => {
  it('a set ZOOMTRAIL_PUBLIC_URL is used as is, whatever port Zoomtrail listens on (a reverse proxy in front)', () => {
    // Equal to the default-looking URL on purpose: being set is what counts, not its value.
    const set = config({ ZOOMTRAIL_PUBLIC_URL: 'http://localhost:8080/' });
    expect(set.publicUrlIsSet).toBe(true);
    expect(effectivePublicUrl(set, { host: '127.0.0.1', port: 9000 })).toBe('http://localhost:8080');
    expect(effectivePublicUrl(config({ ZOOMTRAIL_PUBLIC_URL: 'https://zt.example.com/audit' }), { host: '0.0.0.0', port: 9000 })).toBe('https://zt.example.com/audit');
  });

  it('with none set, it follows the port and host actually used', () => {
    const derived = config({ ZOOMTRAIL_PORT: '8081' });
    expect(derived.publicUrlIsSet).toBe(false);
    expect(derived.publicUrl).toBe('http://localhost:8081');
    expect(effectivePublicUrl(derived, { host: '127.0.0.1', port: 9000 })).toBe('http://localhost:9000');
    expect(effectivePublicUrl(derived, { host: '0.0.0.0', port: 9000 })).toBe('http://localhost:9000');
    expect(effectivePublicUrl(derived, { host: '192.168.1.20', port: 9000 })).toBe('http://192.168.1.20:9000');
    expect(effectivePublicUrl(derived, { host: 'fd00::5', port: 9000 })).toBe('http://[fd00::5]:9000');
    expect(config({ ZOOMTRAIL_HOST: '10.0.0.7' }).publicUrl).toBe('http://10.0.0.7:8080');
  });

  it('derivedPublicUrl names loopback and every-interface hosts as localhost', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost']) expect(derivedPublicUrl(host, 1234)).toBe('http://localhost:1234');
  });
});
