import { describe, expect, it } from 'vitest';
import { DESTINATION_KINDS } from '../domain/destination-settings.js';
import { DESTINATION_SENDERS, senderFor } from './destination-registry.js';
import { logSender } from './log-sender.js';
import { sampleNotification, testContext } from './http-receiver.test-support.js';

describe('logSender', () => {
  it('writes one structured warn line and reports ok', async () => {
    const context = testContext();
    const result = await logSender.send(sampleNotification(), {}, null, context);
    expect(result).toEqual({ ok: true, status: null, message: 'written to the log' });
    expect(context.logLines).toHaveLength(1);
    const line = JSON.parse(context.logLines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 40,
      msg: 'alert Two-factor authentication disabled by admin@example.com',
      alert: {
        id: 'alt_01HZX',
        rule: 'Zoom.Two.Factor.Authentication.Disabled',
        title: 'Two-factor authentication disabled by admin@example.com',
        severity: 'HIGH',
        count: 3,
      },
    });
  });

  it('needs no secret and refuses one', () => {
    expect(logSender.needsSecret).toBe(false);
    expect(logSender.validate({}, null)).toBeNull();
    expect(logSender.validate({}, 'something')).toMatch(/no secret/);
  });
});

describe('destination registry', () => {
  it('has one sender per kind, registered under its own kind', () => {
    expect([...DESTINATION_SENDERS.keys()].sort()).toEqual([...DESTINATION_KINDS].sort());
    for (const kind of DESTINATION_KINDS) expect(senderFor(kind).kind).toBe(kind);
  });
});
