/**
 * What a detection scenario is: operation records a Zoom rule must fire on
 * (triggers) and look-alikes it must not fire on (near misses), which the
 * generator plants in a day as ground truth for detection tests.
 */

/** Panther's eight Zoom.Operation detections, in the order of panther-conventions.md. */
export const PANTHER_ZOOM_RULE_IDS = [
  'Zoom.All.Meetings.Secured.With.One.Option.Disabled',
  'Zoom.Automatic.Sign.Out.Disabled',
  'Zoom.New.Meeting.Passcode.Required.Disabled',
  'Zoom.PasscodeDisabled',
  'Zoom.Sign.In.Method.Modified',
  'Zoom.Sign.In.Requirements.Changed',
  'Zoom.Two.Factor.Authentication.Disabled',
  'Zoom.User.Promoted.to.Privileged.Role',
] as const;

export type PantherZoomRuleId = (typeof PANTHER_ZOOM_RULE_IDS)[number];

/** An operation record, without time and operator, that a rule is expected to fire or not fire on. */
export interface DetectionSample {
  /** Id of the Panther rule concerned. */
  ruleId: string;
  category_type: string;
  action: string;
  operation_detail: string;
  /**
   * True when this is the same change as a Panther test event, written in a way
   * Panther's raw string comparison misses. A better rule should still fire.
   */
  variant?: boolean;
  /** Why the sample is here, for test failure messages. */
  note?: string;
}

/**
 * One scenario, a file in this folder listed in DETECTION_SCENARIOS. Emails in
 * samples use `example.com`; `generateDay` rewrites them to its `domain`.
 */
export interface DetectionScenario {
  /** Records the rule named in each sample's `ruleId` must fire on. */
  triggers: readonly DetectionSample[];
  /** Records that look like triggers but must fire no Zoom rule. */
  nearMisses: readonly DetectionSample[];
}

/** A change on the account settings page: category Account, action Update. */
export function accountUpdate(ruleId: string, operation_detail: string, extra: Partial<DetectionSample> = {}): DetectionSample {
  return { ruleId, category_type: 'Account', action: 'Update', operation_detail, ...extra };
}
