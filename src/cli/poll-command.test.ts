import { describe, expect, it } from 'vitest';
import type { StreamCycleReport } from '../collect/source-collector.js';
import { EXIT } from './exit-codes.js';
import { exitCodeOf } from './poll-command.js';

const ok: StreamCycleReport = { logType: 'Zoom.Activity', outcome: 'ok', reads: 1, requestsPages: 1, received: 0, inserted: 0 };
const failed = (code: string): StreamCycleReport => ({ ...ok, outcome: 'failed', error: { code, message: 'm', fix: 'f', at: 0 } });

describe('exitCodeOf', () => {
  it.each([
    [[ok, ok], EXIT.ok],
    [[ok, failed('zoom_unavailable')], EXIT.zoomUnavailable],
    [[failed('daily_budget_exhausted'), ok], EXIT.zoomUnavailable],
    [[failed('zoom_unavailable'), failed('missing_scope')], EXIT.zoomRefused],
    [[failed('wrong_credentials'), failed('wrong_credentials')], EXIT.zoomRefused],
    [[failed('internal'), failed('missing_scope')], EXIT.unexpected],
  ])('%#: the worst failure decides', (reports, code) => {
    expect(exitCodeOf(reports)).toBe(code);
  });
});
