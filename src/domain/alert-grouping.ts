/**
 * Panther's alert grouping, as pure functions shared by the stores (inside
 * their detection transaction) and `rules replay` (in memory).
 *
 * Matches of one rule with one dedup string form one group as long as the
 * group spans less than the dedup period; a group becomes an alert when its
 * count reaches the rule's threshold. Times are event times, not processing
 * times, so a backfill or a replay groups history as it happened, whatever
 * order Zoom's pages came in: a match joins a group when the group, with the
 * match added, still spans less than one period.
 */
export interface GroupSpan {
  firstEventMs: number;
  lastEventMs: number;
}

export interface GroupState extends GroupSpan {
  eventCount: number;
  threshold: number;
  /** When the group reached its threshold, or null. */
  raisedAt: number | null;
}

/** Whether a match at `eventTimeMs` joins the group: the span with it stays under `periodMs`. */
export function groupAccepts(group: GroupSpan, eventTimeMs: number, periodMs: number): boolean {
  return eventTimeMs - group.firstEventMs < periodMs && group.lastEventMs - eventTimeMs < periodMs;
}

/**
 * The bounds a stored group must satisfy to accept a match at `eventTimeMs`
 * (for the store's query): `firstEventMs > after` and `lastEventMs < before`.
 */
export function acceptingBounds(eventTimeMs: number, periodMs: number): { after: number; before: number } {
  return { after: eventTimeMs - periodMs, before: eventTimeMs + periodMs };
}

/** The group with one more match; `raisedNow` when this match brought it to its threshold. */
export function addMatch(group: GroupState, eventTimeMs: number, nowMs: number): { group: GroupState; raisedNow: boolean } {
  const eventCount = group.eventCount + 1;
  const raisedNow = group.raisedAt === null && eventCount >= group.threshold;
  return {
    group: {
      firstEventMs: Math.min(group.firstEventMs, eventTimeMs),
      lastEventMs: Math.max(group.lastEventMs, eventTimeMs),
      eventCount,
      threshold: group.threshold,
      raisedAt: raisedNow ? nowMs : group.raisedAt,
    },
    raisedNow,
  };
}

/** A new group from its first match; raised at once when the threshold is 1 (or less). */
export function startGroup(eventTimeMs: number, threshold: number, nowMs: number): { group: GroupState; raisedNow: boolean } {
  const raisedNow = threshold <= 1;
  return {
    group: { firstEventMs: eventTimeMs, lastEventMs: eventTimeMs, eventCount: 1, threshold: Math.max(1, threshold), raisedAt: raisedNow ? nowMs : null },
    raisedNow,
  };
}

/** The fields of a match that grouping needs. */
export interface GroupableMatch {
  ruleId: string;
  dedup: string;
  eventTimeMs: number;
  dedupPeriodMs: number;
  threshold: number;
}

/** What the grouping order reads of a match. */
export interface OrderedMatch {
  eventTimeMs: number;
  rowId: string;
  ruleId: string;
}

/** Code-unit order (SQLite's BINARY collation; never the locale's). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * THE order in which matches are grouped, wherever they are grouped: each
 * store's detection commit and `rules replay`. Event time first (history as
 * it happened), then row id, then rule id: matches at the same instant are
 * grouped in one order whatever order Zoom's pages or a batch brought them
 * in, so the same match starts a group (its title and context are the
 * alert's) in a store and in a replay.
 */
export function compareGroupingOrder(a: OrderedMatch, b: OrderedMatch): number {
  return a.eventTimeMs - b.eventTimeMs || compareText(a.rowId, b.rowId) || compareText(a.ruleId, b.ruleId);
}

/** The matches in grouping order (a sorted copy). */
export function inGroupingOrder<M extends OrderedMatch>(matches: readonly M[]): M[] {
  return [...matches].sort(compareGroupingOrder);
}

/**
 * Of the groups that accept a match, the one it joins, as an ordered list of
 * keys (the stores turn it into their ORDER BY; AlertGrouper compares with
 * it): the latest first event, then the latest last event.
 */
export const JOINED_GROUP_ORDER: ReadonlyArray<{ key: keyof GroupSpan; direction: 'asc' | 'desc' }> = [
  { key: 'firstEventMs', direction: 'desc' },
  { key: 'lastEventMs', direction: 'desc' },
];

/** Negative when group `a` is the one a match joins rather than `b` (JOINED_GROUP_ORDER). */
export function compareJoinPreference(a: GroupSpan, b: GroupSpan): number {
  for (const { key, direction } of JOINED_GROUP_ORDER) {
    const difference = a[key] - b[key];
    if (difference !== 0) return direction === 'asc' ? difference : -difference;
  }
  return 0;
}

/**
 * Grouping in memory (for `rules replay`): the same decisions the stores
 * make, without writing anything. `addBatch` groups in the stores' order;
 * `add` takes matches in the order given.
 */
export class AlertGrouper<M extends GroupableMatch> {
  readonly #groups = new Map<string, Array<{ state: GroupState; matches: M[] }>>();

  /** Adds a match; returns its group and whether it just reached its threshold. */
  add(match: M, nowMs: number): { state: GroupState; matches: M[]; raisedNow: boolean } {
    const key = `${match.ruleId}\u0000${match.dedup}`;
    let groups = this.#groups.get(key);
    if (!groups) this.#groups.set(key, (groups = []));
    let best: { state: GroupState; matches: M[] } | undefined;
    for (const g of groups) {
      if (groupAccepts(g.state, match.eventTimeMs, match.dedupPeriodMs) && (!best || compareJoinPreference(g.state, best.state) < 0)) best = g;
    }
    if (best) {
      const { group, raisedNow } = addMatch(best.state, match.eventTimeMs, nowMs);
      best.state = group;
      best.matches.push(match);
      return { ...best, raisedNow };
    }
    const { group, raisedNow } = startGroup(match.eventTimeMs, match.threshold, nowMs);
    const created = { state: group, matches: [match] };
    groups.push(created);
    return { ...created, raisedNow };
  }

  /** Adds a batch of matches in grouping order, as a store's detection commit does; `nowMs` gives each match's "now". */
  addBatch(matches: readonly (M & OrderedMatch)[], nowMs: (match: M) => number): void {
    for (const match of inGroupingOrder(matches)) this.add(match, nowMs(match));
  }

  /** Every group, raised or not. */
  *groups(): Iterable<{ ruleId: string; dedup: string; state: GroupState; matches: M[] }> {
    for (const list of this.#groups.values()) {
      for (const g of list) {
        const first = g.matches[0]!;
        yield { ruleId: first.ruleId, dedup: first.dedup, ...g };
      }
    }
  }
}
