/** Zoom plans the simulator knows. Reports need Pro or higher. */
export type SimPlan = 'free' | 'pro' | 'business';

export interface PlanLimits {
  /** Heavy API requests per second, per account. */
  perSecond: number;
  /** Heavy + Resource-intensive requests per UTC day, per account. */
  daily: number;
}

/**
 * Heavy limits from Zoom's rate-limit table. Free accounts cannot call the
 * reports at all (they get the paid-account error), so their limits only matter
 * for counting; Zoom gives them the Pro numbers there.
 */
export function planLimits(plan: SimPlan): PlanLimits {
  switch (plan) {
    case 'business':
      return { perSecond: 40, daily: 60_000 };
    case 'free':
    case 'pro':
      return { perSecond: 10, daily: 30_000 };
  }
}
