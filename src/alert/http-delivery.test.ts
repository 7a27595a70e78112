import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfter, postJson, checkDestinationUrl } from './http-delivery.js';
import { closedPortOrigin, FIXED_NOW_MS, startReceiver, testContext, type Receiver } from './http-receiver.test-support.js';

const SECRET = 'topsecret-value-1234567890';

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('postJson', () => {
  it('POSTs the body unchanged with Content-Type and the given headers; 2xx is ok', async () => {
    receiver.reply({ status: 204 });
    const result = await postJson(`${receiver.origin}/hook?x=1`, '{"a":1}', { 'X-Test': 'yes' }, testContext());
    expect(result).toEqual({ ok: true, status: 204, message: `HTTP 204 from ${new URL(receiver.origin).host}` });
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hook?x=1', body: '{"a":1}' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-test']).toBe('yes');
  });

  it('classifies 500 as retryable and a following 200 as ok', async () => {
    receiver.reply({ status: 500, body: 'boom' }, { status: 200, body: 'ok' });
    const first = await postJson(`${receiver.origin}/`, '{}', {}, testContext());
    const second = await postJson(`${receiver.origin}/`, '{}', {}, testContext());
    expect(first).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(first.message).toBe(`HTTP 500 from ${new URL(receiver.origin).host}: the receiver failed or is busy`);
    expect(second).toMatchObject({ ok: true, status: 200 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('classifies 408 and 429 as retryable and reads Retry-After seconds', async () => {
    receiver.reply({ status: 429, headers: { 'Retry-After': '120' } }, { status: 408 });
    expect(await postJson(`${receiver.origin}/`, '{}', {}, testContext())).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 120_000 });
    expect(await postJson(`${receiver.origin}/`, '{}', {}, testContext())).toMatchObject({ ok: false, retryable: true, status: 408 });
  });

  it('reads a Retry-After HTTP date relative to the context clock', async () => {
    receiver.reply({ status: 503, headers: { 'Retry-After': new Date(FIXED_NOW_MS + 90_000).toUTCString() } });
    const result = await postJson(`${receiver.origin}/`, '{}', {}, testContext());
    expect(result).toMatchObject({ ok: false, retryable: true, status: 503, retryAfterMs: 90_000 });
  });

  it.each([400, 401, 403, 404, 410, 422])('classifies %i as not retryable', async (status) => {
    receiver.reply({ status, body: 'nope' });
    const result = await postJson(`${receiver.origin}/`, '{}', {}, testContext());
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status,
      message: `HTTP ${status} from ${new URL(receiver.origin).host}: the receiver refused the alert; check the URL and the secret`,
    });
  });

  it('does not follow redirects', async () => {
    receiver.reply({ status: 302, headers: { Location: `${receiver.origin}/elsewhere` } });
    const result = await postJson(`${receiver.origin}/`, '{}', {}, testContext());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 302 });
    expect(receiver.requests).toHaveLength(1);
  });

  it.each([400, 404, 500])("never repeats the receiver's answer (HTTP %i): a URL aimed at an internal service must not read it back", async (status) => {
    receiver.reply({ status, body: `{"AccessKeyId":"ASIA-internal-credential","Token":"${SECRET}"}` });
    const result = await postJson(`${receiver.origin}/`, '{}', {}, testContext(), { redact: [SECRET] });
    expect(result).toMatchObject({ ok: false, status });
    expect(result.message).not.toContain('ASIA-internal-credential');
    expect(result.message).not.toContain('AccessKeyId');
    expect(result.message).toMatch(new RegExp(`^HTTP ${status} from [^:]+:\\d+: the receiver (refused the alert|failed or is busy)`));
  });

  it('reports a refused connection as retryable, naming the host but not the path or query', async () => {
    const origin = await closedPortOrigin();
    const result = await postJson(`${origin}/services/T0/B0/${SECRET}?token=${SECRET}`, '{}', {}, testContext(), { redact: [SECRET] });
    expect(result).toMatchObject({ ok: false, retryable: true, status: null });
    expect(result.message).toContain(new URL(origin).host);
    expect(result.message).toContain('ECONNREFUSED');
    expect(result.message).not.toContain('/services');
    expect(result.message).not.toContain(SECRET);
  });

  it('reports a receiver that never answers as a retryable timeout', async () => {
    receiver.reply('hang');
    const result = await postJson(`${receiver.origin}/`, '{}', {}, testContext(200));
    expect(result).toEqual({ ok: false, retryable: true, status: null, message: `POST to ${new URL(receiver.origin).host} timed out after 200 ms` });
  });

  it('reports a DNS failure as retryable', async () => {
    const context = testContext();
    context.fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.invalid'), { code: 'ENOTFOUND' }) });
    };
    const result = await postJson('https://hooks.example.invalid/path/secret', '{}', {}, context);
    expect(result).toEqual({ ok: false, retryable: true, status: null, message: 'POST to hooks.example.invalid failed: host not found (DNS) (ENOTFOUND)' });
  });

  it('refuses an invalid URL without echoing it', async () => {
    const result = await postJson(`not a url ${SECRET}`, '{}', {}, testContext());
    expect(result).toMatchObject({ ok: false, retryable: false, status: null });
    expect(result.message).not.toContain(SECRET);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('0', FIXED_NOW_MS)).toBe(0);
    expect(parseRetryAfter(' 30 ', FIXED_NOW_MS)).toBe(30_000);
    expect(parseRetryAfter(new Date(FIXED_NOW_MS + 5_000).toUTCString(), FIXED_NOW_MS)).toBe(5_000);
    expect(parseRetryAfter(new Date(FIXED_NOW_MS - 5_000).toUTCString(), FIXED_NOW_MS)).toBe(0);
    expect(parseRetryAfter('soon', FIXED_NOW_MS)).toBeUndefined();
    expect(parseRetryAfter('-5', FIXED_NOW_MS)).toBeUndefined();
    expect(parseRetryAfter(null, FIXED_NOW_MS)).toBeUndefined();
  });
});

describe('checkDestinationUrl', () => {
  it('accepts http(s) per policy and refuses other schemes and embedded credentials', () => {
    expect(checkDestinationUrl('https://a.example/x', 'u', 'never')).toBeNull();
    expect(checkDestinationUrl('http://a.example/x', 'u', 'any')).toBeNull();
    expect(checkDestinationUrl('http://127.0.0.1:8080/x', 'u', 'loopback')).toBeNull();
    expect(checkDestinationUrl('http://localhost/x', 'u', 'loopback')).toBeNull();
    expect(checkDestinationUrl('http://a.example/x', 'u', 'loopback')).toMatch(/https/);
    expect(checkDestinationUrl('ftp://a.example/x', 'u', 'any')).toMatch(/http/);
    expect(checkDestinationUrl('/relative', 'u', 'any')).toMatch(/not a valid absolute URL/);
    expect(checkDestinationUrl('https://user:pw@a.example/', 'u', 'any')).toMatch(/user name or password/);
  });
});
