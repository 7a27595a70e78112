/** Capped exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** First delay before jitter, ms. */
  baseMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1 = first retry): uniform in
 * [cap/2, cap] where cap = min(maxMs, baseMs * 2^(attempt-1)). Half the cap is
 * kept so retries never collapse to zero and hammer a struggling Zoom.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
