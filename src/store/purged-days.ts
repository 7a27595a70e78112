import { enrichmentIndicatorKeys } from '../domain/ip-location.js';
import type { IndicatorKind } from './indicator-kind-codes.js';
import type { PageCommit } from './store.js';

/**
 * What both stores' page writers and retention purgers share about purged
 * days: which days a page touches, the page without the records of purged
 * days, and the indicator keys an event was stored with.
 */

/** The distinct days of a page's events and failures. */
export function daysOfPage(commit: PageCommit): string[] {
  const days = new Set<string>();
  for (const row of commit.events) days.add(row.day);
  for (const row of commit.failures) days.add(row.day);
  return [...days];
}

/** The page without the events and failures of `purged` days; the page itself when there are none. */
export function withoutPurgedDays(commit: PageCommit, purged: ReadonlySet<string>): PageCommit {
  if (purged.size === 0) return commit;
  return { ...commit, events: commit.events.filter((row) => !purged.has(row.day)), failures: commit.failures.filter((row) => !purged.has(row.day)) };
}

/**
 * The `event_indicators` keys of one event, from its `p_any_emails` and
 * `p_any_ip_addresses` (what `StoredEvent.emails` and `ipAddresses` are read
 * back from), lower-cased as the page writers store them, and the countries
 * and ASNs of its `p_enrichment`; values that are not lists give none. Each key once, the kind by name
 * (each store's purger stores it as its code: indicator-kind-codes.ts).
 */
export function indicatorKeys(emails: unknown, ipAddresses: unknown, enrichment?: unknown): Array<{ kind: IndicatorKind; value: string }> {
  const out: Array<{ kind: IndicatorKind; value: string }> = [];
  const seen = new Set<string>();
  const add = (kind: 'email' | 'ip', list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (typeof item !== 'string') continue;
      const value = item.toLowerCase();
      const key = `${kind}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind, value });
    }
  };
  add('email', emails);
  add('ip', ipAddresses);
  if (enrichment !== undefined && enrichment !== null) out.push(...enrichmentIndicatorKeys({ p_enrichment: enrichment }));
  return out;
}
