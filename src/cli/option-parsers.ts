import { InvalidArgumentError } from 'commander';

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
