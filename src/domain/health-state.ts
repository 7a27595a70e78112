/**
 * A source's health states, in priority order: when several apply, the first
 * one wins. Setup and a person's choice first; then what stops collection and
 * needs a person (authorization, credentials, scope, permission or plan); then
 * what collection waits out by itself (rate limits, Zoom down); then any other
 * failure; then what concerns the data (none yet, none for longer than the
 * drop-off period, records Zoomtrail cannot classify, rules failing on them);
 * then progress and the calm states.
 */
export const HEALTH_STATES = [
  'setup_incomplete',
  'paused',
  'reauthorization_required',
  'wrong_credentials',
  'missing_scope',
  'permission_missing',
  'rate_limited',
  'zoom_unavailable',
  'error',
  'not_collected_yet',
  'no_data',
  'classification_failures',
  'rule_errors',
  'reading',
  'quiet',
  'healthy',
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];
