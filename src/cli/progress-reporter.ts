import type { WindowProgress } from '../collect/window-collector.js';
import { DAY_MS, dayStartMs } from '../domain/utc-days.js';

/**
 * Shows backfill progress per stream: on a terminal one redrawn bar per
 * stream (days, records, ETA); otherwise one plain line per finished window.
 */
export class ProgressReporter {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #now: () => number;
  readonly #lines = new Map<string, string>();
  readonly #started = new Map<string, number>();
  #drawn = 0;

  constructor(out: NodeJS.WriteStream = process.stderr, now: () => number = Date.now) {
    this.#out = out;
    this.#tty = Boolean(out.isTTY);
    this.#now = now;
  }

  readonly onProgress = (p: WindowProgress): void => {
    const key = `${p.sourceId} ${p.logType} ${p.window.from}..${p.window.to}`;
    if (!this.#started.has(key)) this.#started.set(key, this.#now());
    const { fraction, daysDone, daysTotal } = progressOf(p, this.#now());
    if (!this.#tty) {
      if (p.done) this.#out.write(`${p.sourceId} ${p.logType} ${p.window.from}..${p.window.to}: ${p.pages} pages, ${p.received} records read, ${p.stored} new\n`);
      return;
    }
    const elapsed = this.#now() - this.#started.get(key)!;
    const eta = p.done ? 'done' : fraction > 0.02 ? `ETA ${formatSeconds((elapsed / fraction) * (1 - fraction))}` : 'ETA -';
    const width = 20;
    const filled = Math.round((p.done ? 1 : fraction) * width);
    this.#lines.set(
      key,
      `${p.sourceId} ${p.logType.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done ? daysTotal : daysDone}/${daysTotal} days, ${p.received.toLocaleString('en-US')} records (${p.stored.toLocaleString('en-US')} new), ${eta}`,
    );
    this.#redraw();
  };

  #redraw(): void {
    if (this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}A`);
    for (const line of this.#lines.values()) this.#out.write(`\x1b[2K${line}\n`);
    this.#drawn = this.#lines.size;
  }
}

/** How far a newest-first read has come back through its window's days. */
export function progressOf(p: WindowProgress, nowMs: number): { fraction: number; daysDone: number; daysTotal: number } {
  const start = dayStartMs(p.window.from);
  const end = Math.min(dayStartMs(p.window.to) + DAY_MS, nowMs);
  const daysTotal = Math.max(1, Math.ceil((end - start) / DAY_MS));
  if (p.oldestSeenMs === null || end <= start) return { fraction: 0, daysDone: 0, daysTotal };
  const fraction = Math.min(1, Math.max(0, (end - p.oldestSeenMs) / (end - start)));
  return { fraction, daysDone: Math.floor(fraction * daysTotal), daysTotal };
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
