import { describe, expect, it } from 'vitest';
import { defaultStreamState } from '../store/coverage-reader.js';
import type { Heartbeat } from '../store/health-store.js';
import type { StreamError, StreamState } from '../store/store.js';
import { HEALTH_STATES, sourceHealth, stateOfError, type HealthInput } from './source-health.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

const source = (over: Partial<HealthInput['source']> = {}): HealthInput['source'] => ({
  authKind: 's2s',
  hasRefreshToken: false,
  paused: false,
  dropOffAlarmMinutes: null,
  createdAt: NOW - 10 * 24 * HOUR,
  quietSchedule: null,
  ...over,
});

function stream(logType: StreamState['logType'], over: Partial<StreamState> = {}): StreamState {
  return { ...defaultStreamState('src', logType), lastPollAt: NOW - MIN, lastSuccessAt: NOW - MIN, newestEventTimeMs: NOW - 5 * MIN, ...over };
}

const error = (code: string, message = `${code} message`, fix = `${code} fix`, at = NOW - MIN): StreamError => ({ code, message, fix, at });

function beats(outcome: Heartbeat['outcome'], count: number, errorCode: string | null = null, logType: Heartbeat['logType'] = 'Zoom.Activity'): Heartbeat[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceId: 'src',
    logType,
    at: NOW - (i + 1) * 5 * MIN,
    outcome,
    errorCode,
    records: outcome === 'data' ? 3 : 0,
    durationMs: 100,
  }));
}

const health = (over: Partial<HealthInput>) =>
  sourceHealth({ source: source(), streams: [stream('Zoom.Activity'), stream('Zoom.Operation')], heartbeats: beats('data', 3), nowMs: NOW, ...over });

describe('source health model', () => {
  it('healthy when polls bring events', () => {
    const h = health({});
    expect(h.state).toBe('healthy');
    expect(h.fix).toBe('');
    expect(h.lastEventMs).toBe(NOW - 5 * MIN);
  });

  it('setup states come first: setup_incomplete, paused, not_collected_yet', () => {
    expect(
      health({ source: source({ authKind: 'authorization_code', hasRefreshToken: false }), streams: [stream('Zoom.Activity', { lastError: error('wrong_credentials') })] }).state,
    ).toBe('setup_incomplete');
    expect(health({ source: source({ paused: true }), streams: [stream('Zoom.Activity', { lastError: error('wrong_credentials') })] }).state).toBe('paused');
    // A Server-to-Server draft whose check failed: setup incomplete, as an OAuth draft, not "paused — resume the source".
    const draft = health({ source: source({ paused: true, setupFinished: false }), streams: [stream('Zoom.Activity', { lastError: error('wrong_credentials') })] });
    expect(draft.state).toBe('setup_incomplete');
    expect(draft.cause).toMatch(/^Setup not finished/);
    expect(draft.fix).toMatch(/Finish Setup/);
    const fresh = [defaultStreamState('src', 'Zoom.Activity'), defaultStreamState('src', 'Zoom.Operation')];
    expect(health({ streams: fresh, heartbeats: [] }).state).toBe('not_collected_yet');
  });

  it('maps each stream error to its state, with the error message as cause and its fix', () => {
    const cases: Array<[string, string]> = [
      ['reauthorization_required', 'reauthorization_required'],
      ['wrong_credentials', 'wrong_credentials'],
      ['missing_scope', 'missing_scope'],
      ['permission_denied', 'permission_missing'],
      ['plan_required', 'permission_missing'],
      ['rate_limited', 'rate_limited'],
      ['daily_budget_exhausted', 'rate_limited'],
      ['zoom_unavailable', 'zoom_unavailable'],
      ['malformed_response', 'error'],
      ['internal', 'error'],
    ];
    for (const [code, state] of cases) {
      expect(stateOfError(code)).toBe(state);
      const h = health({ streams: [stream('Zoom.Activity'), stream('Zoom.Operation', { lastError: error(code, 'The app lacks report:read:admin.') })] });
      expect(h.state, code).toBe(state);
      if (code !== 'daily_budget_exhausted') expect(h.cause).toContain('The app lacks report:read:admin.');
      expect(h.cause).toContain('Zoom.Operation');
      expect(h.fix).toBe(`${code} fix`);
    }
  });

  it('the most pressing error wins across streams: authorization before rate limits before outages', () => {
    const h = health({
      streams: [
        stream('Zoom.Activity', { lastError: error('zoom_unavailable', 'down', 'wait', NOW - MIN) }),
        stream('Zoom.Operation', { lastError: error('missing_scope', 'add report:read:operation_logs:admin', 'add it', NOW - HOUR) }),
      ],
    });
    expect(h.state).toBe('missing_scope');
    expect(h.cause).toContain('report:read:operation_logs:admin');
    expect(HEALTH_STATES.indexOf('reauthorization_required')).toBeLessThan(HEALTH_STATES.indexOf('rate_limited'));
    expect(HEALTH_STATES.indexOf('rate_limited')).toBeLessThan(HEALTH_STATES.indexOf('no_data'));
    expect(HEALTH_STATES.indexOf('no_data')).toBeLessThan(HEALTH_STATES.indexOf('quiet'));
  });

  it('a daily budget says until 00:00 UTC with the time', () => {
    const reset = Date.parse('2026-03-11T00:00:00Z');
    const h = health({ streams: [stream('Zoom.Activity', { lastError: error('daily_budget_exhausted', "Zoom's daily rate limit ... exhausted"), nextAttemptAt: reset })] });
    expect(h.state).toBe('rate_limited');
    expect(h.cause).toContain('until 00:00 UTC (2026-03-11T00:00:00Z)');
    expect(h.cause).toContain("Zoom's daily Heavy API limit");
  });

  it('since: the start of the run of failed or skipped polls', () => {
    const hb: Heartbeat[] = [
      { sourceId: 'src', logType: 'Zoom.Activity', at: NOW - 10 * MIN, outcome: 'skipped', errorCode: 'zoom_unavailable', records: 0, durationMs: 0 },
      { sourceId: 'src', logType: 'Zoom.Activity', at: NOW - 20 * MIN, outcome: 'error', errorCode: 'zoom_unavailable', records: 0, durationMs: 0 },
      { sourceId: 'src', logType: 'Zoom.Activity', at: NOW - 30 * MIN, outcome: 'empty', errorCode: null, records: 0, durationMs: 0 },
    ];
    const h = health({ heartbeats: hb, streams: [stream('Zoom.Activity', { lastError: error('zoom_unavailable', 'down', 'wait', NOW - 10 * MIN) })] });
    expect(h.since).toBe(NOW - 20 * MIN);
  });

  it('no_data beyond the drop-off period, even when polls succeed; quiet inside the quiet schedule', () => {
    const silent = [stream('Zoom.Activity', { newestEventTimeMs: NOW - 3 * HOUR }), stream('Zoom.Operation', { newestEventTimeMs: NOW - 4 * HOUR })];
    const h = health({ source: source({ dropOffAlarmMinutes: 120 }), streams: silent, heartbeats: beats('empty', 5) });
    expect(h.state).toBe('no_data');
    expect(h.cause).toContain('No events since 2026-03-10T09:00:00Z (3 h ago), longer than the drop-off period of 2 h');
    expect(h.cause).toContain('polls succeed');
    expect(h.since).toBe(NOW - HOUR);
    // 2026-03-10 is a Tuesday: a Tuesday quiet schedule holds it.
    const held = health({ source: source({ dropOffAlarmMinutes: 120, quietSchedule: { timeZone: 'UTC', days: [2] } }), streams: silent, heartbeats: beats('empty', 5) });
    expect(held.state).toBe('quiet');
    expect(held.cause).toContain('quiet schedule');
  });

  it('quiet: polls succeed and Zoom returns nothing for an hour, within the period or without alarm', () => {
    const silent = [stream('Zoom.Activity', { newestEventTimeMs: NOW - 2 * HOUR }), stream('Zoom.Operation', { newestEventTimeMs: NOW - 2 * HOUR })];
    const noAlarm = health({ streams: silent, heartbeats: beats('empty', 5) });
    expect(noAlarm.state).toBe('quiet');
    expect(noAlarm.cause).toContain('polls succeed');
    expect(noAlarm.cause).toContain('No drop-off alarm is set');
    expect(health({ source: source({ dropOffAlarmMinutes: 6 * 60 }), streams: silent, heartbeats: beats('empty', 5) }).cause).toContain('fires after 6 h');
    // A failing source with the same silence is not quiet: its error shows.
    const failing = health({ streams: [silent[0]!, { ...silent[1]!, lastError: error('zoom_unavailable') }], heartbeats: beats('error', 5, 'zoom_unavailable') });
    expect(failing.state).toBe('zoom_unavailable');
  });

  it('classification failures above the threshold, then rule errors', () => {
    expect(health({ counts: { records: 100, classificationFailures: 5, ruleErrors: 0 } }).state).toBe('healthy'); // 5 % is not above 5 %
    const h = health({ counts: { records: 100, classificationFailures: 6, ruleErrors: 2 } });
    expect(h.state).toBe('classification_failures');
    expect(h.cause).toContain('6 of 100 records');
    expect(health({ counts: { records: 100, classificationFailures: 6, ruleErrors: 0 }, classificationThreshold: 0.1 }).state).toBe('healthy');
    const r = health({ counts: { records: 100, classificationFailures: 0, ruleErrors: 2 } });
    expect(r.state).toBe('rule_errors');
    expect(r.cause).toContain('2 rule errors');
  });

  it('reading while a window is read', () => {
    expect(health({ streams: [stream('Zoom.Activity', { readingWindow: '2026-03-01..2026-03-10', readingPages: 3 })] }).state).toBe('reading');
  });
});
