/**
 * Every detection scenario the generator plants, and the flat lists of
 * triggers and near misses it walks.
 */
import { automaticSignOutDisabled } from './automatic-sign-out-disabled.js';
import type { DetectionSample, DetectionScenario } from './detection-scenario.js';
import { groupPasscodeDisabled } from './group-passcode-disabled.js';
import { newMeetingPasscodeDisabled } from './new-meeting-passcode-disabled.js';
import { oneOptionDisabled } from './one-option-disabled.js';
import { privilegedRolePromotion } from './privileged-role-promotion.js';
import { signInMethodAdded } from './sign-in-method-added.js';
import { signInRequirementsWeakened } from './sign-in-requirements-weakened.js';
import { twoFactorDisabled } from './two-factor-disabled.js';
import { unchangedSaves } from './unchanged-saves.js';

/**
 * The order is part of the generated output: a day walks the lists below from
 * a seeded start, so reordering (or adding) samples changes which record a seed
 * plants where. Add a new scenario at the end.
 */
export const DETECTION_SCENARIOS: readonly DetectionScenario[] = [
  oneOptionDisabled,
  automaticSignOutDisabled,
  newMeetingPasscodeDisabled,
  groupPasscodeDisabled,
  signInMethodAdded,
  signInRequirementsWeakened,
  twoFactorDisabled,
  unchangedSaves,
  privilegedRolePromotion,
];

/**
 * Operation records each of Panther's Zoom detections fires on, plus `variant`
 * records: the same change in a form Panther's exact comparisons miss.
 * Emails use `example.com`; `generateDay` rewrites them to its `domain`.
 */
export const DETECTION_TRIGGERS: ReadonlyArray<DetectionSample> = DETECTION_SCENARIOS.flatMap((s) => s.triggers);

/**
 * Records that look like DETECTION_TRIGGERS but must not fire the rule named
 * in `ruleId` (nor, in Panther, any other of the eight). `generateDay` mixes
 * them into ordinary traffic: turning a protection back on is normal admin work.
 */
export const NEAR_MISSES: ReadonlyArray<DetectionSample> = DETECTION_SCENARIOS.flatMap((s) => s.nearMisses);
