import { InvalidArgumentError, Option } from 'commander';

/** A commander option parser for whole numbers in a range, with a message naming the option. */
export function parseIntegerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, not "${value}".`);
    }
    return n;
  };
}

/** A `yyyy-mm-dd` day that exists. */
export function parseDayOption(name: string): (value: string) => string {
  return (value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new InvalidArgumentError(`${name} must be a date as yyyy-mm-dd, not "${value}".`);
    }
    return value;
  };
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads `90s`, `5m`, `1h`, `2d` (a bare number is seconds) as milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS[(match[2] || 's').toLowerCase()]!);
}

/** A commander parser for a duration within bounds, e.g. `--poll-interval 5m`. */
export function parseDurationOption(name: string, minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      throw new InvalidArgumentError(`${name} must be a duration like 90s, 5m, 1h or 2d, from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, not "${value}".`);
    }
    return ms;
  };
}

/**
 * A duration option (`--poll-interval <duration>`): read as 90s, 5m, 1h or 2d
 * within bounds, and its default shown in help as a duration ("default: 5m"),
 * not as milliseconds.
 */
export function durationOption(flags: string, description: string, minMs: number, maxMs: number, defaultMs: number): Option {
  const name = flags.split(/[ ,]/)[0]!;
  return new Option(flags, description).argParser(parseDurationOption(name, minMs, maxMs)).default(defaultMs, formatDuration(defaultMs));
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** `--since` / `--until`: a day (`yyyy-mm-dd`, 00:00 UTC) or an RFC 3339 time, as epoch ms. */
export function parseTimeOption(name: string): (value: string) => number {
  return (value) => {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`${name} must be a day (yyyy-mm-dd, UTC) or an RFC 3339 time such as 2026-03-10T12:00:00Z, not "${value}".`);
    return ms;
  };
}
