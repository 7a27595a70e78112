/** Counts records by their canonical JSON: equal multisets mean nothing missing and nothing doubled. */
export function multiset(records: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = JSON.stringify(record);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Differences between two multisets, for readable failures: `+` extra in actual, `-` missing. */
export function multisetDiff(actual: readonly unknown[], expected: readonly unknown[]): string[] {
  const a = multiset(actual);
  const e = multiset(expected);
  const out: string[] = [];
  for (const [key, n] of e) if ((a.get(key) ?? 0) < n) out.push(`- ${n - (a.get(key) ?? 0)}x ${key.slice(0, 200)}`);
  for (const [key, n] of a) if ((e.get(key) ?? 0) < n) out.push(`+ ${n - (e.get(key) ?? 0)}x ${key.slice(0, 200)}`);
  return out;
}
