import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WindowProgress } from '../collect/window-collector.js';
import { ProgressReporter, progressOf } from './progress-reporter.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const base: WindowProgress = {
  sourceId: 'src_a',
  logType: 'Zoom.Activity',
  window: { from: '2026-03-03', to: '2026-03-12' },
  pages: 1,
  received: 300,
  stored: 300,
  oldestSeenMs: null,
  done: false,
};

function capture(isTTY: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean };
  out.isTTY = isTTY;
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out: out as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progress', () => {
  it('a newest-first read that reached back half the window is half done, in days up to now', () => {
    // 2026-03-03 00:00 to now (03-10 12:00) is 7.5 days: 8 days shown.
    const half = NOW - 3.75 * 86_400_000;
    expect(progressOf({ ...base, oldestSeenMs: half }, NOW)).toEqual({ fraction: 0.5, daysDone: 4, daysTotal: 8 });
    expect(progressOf(base, NOW).fraction).toBe(0);
  });

  it('on a terminal redraws one bar per stream with days, records and an ETA', () => {
    let now = NOW;
    const { out, text } = capture(true);
    const reporter = new ProgressReporter(out, () => now);
    reporter.onProgress({ ...base, oldestSeenMs: NOW - 86_400_000 });
    now += 10_000;
    reporter.onProgress({ ...base, pages: 5, received: 1500, stored: 1400, oldestSeenMs: NOW - 3.75 * 86_400_000 });
    expect(text()).toContain('[##########----------] 4/8 days, 1,500 records (1,400 new), ETA 10s');
    expect(text()).toContain('\x1b[1A');
  });

  it('elsewhere prints one plain line per finished window and nothing in between', () => {
    const { out, text } = capture(false);
    const reporter = new ProgressReporter(out, () => NOW);
    reporter.onProgress(base);
    reporter.onProgress({ ...base, pages: 3, received: 700, stored: 650, done: true });
    expect(text()).toBe('src_a Zoom.Activity 2026-03-03..2026-03-12: 3 pages, 700 records read, 650 new\n');
  });
});
