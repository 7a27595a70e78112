/**
 * Background operation-log traffic: the ordinary admin and user work of a day
 * (settings, users, groups, roles, billing, rooms, recordings, webinars, IM,
 * sub accounts) in Zoom's operation_detail formats. Settings a rule watches
 * only move the way that fires none, so every alert in a generated day comes
 * from the planted scenarios.
 */
import {
  DEPARTMENTS,
  GROUP_NAMES,
  IM_SETTINGS,
  JOB_TITLES,
  LOCATIONS,
  MEETING_TOPICS,
  NON_PRIVILEGED_ROLES,
  PLANS,
  ROLE_PRIVILEGES,
  ROOM_SETTINGS,
  ROOMS,
  SUB_ACCOUNTS,
  WEBINAR_SETTINGS,
} from './operation-vocabulary.js';
import { CUSTOM_ROLES } from './population-tables.js';
import type { SeededRandom } from './seeded-random.js';
import { ACCOUNT_SECTIONS, GROUP_SETTINGS, USER_SETTINGS_SECTIONS, type SectionDef, type SettingDef } from './settings-tables.js';
import type { Population } from './simulated-population.js';
import { cumulative, weightedIndex } from './weighted-choice.js';

const ACCOUNT_SECTION_WEIGHTS = cumulative(ACCOUNT_SECTIONS.map((s) => s.weight));
const USER_SETTINGS_SECTION_WEIGHTS = cumulative(USER_SETTINGS_SECTIONS.map((s) => s.weight));

function change(rng: SeededRandom, s: SettingDef): string {
  if (s.values) {
    let a = rng.int(0, s.values.length);
    let b = rng.int(0, s.values.length - 1);
    if (b >= a) b++;
    if (s.growOnly && a > b) [a, b] = [b, a];
    return `${s.name}: from ${s.values[a]} to ${s.values[b]}`;
  }
  const direction = s.direction ?? 'either';
  const off = direction === 'disableOnly' || (direction === 'either' && rng.chance(0.5));
  return `${s.name}: ${off ? 'from On to Off' : 'from Off to On'}`;
}

/** One change most of the time; a save that changed several settings at once otherwise. */
function changes(rng: SeededRandom, settings: readonly SettingDef[]): string {
  const first = rng.int(0, settings.length);
  let text = change(rng, settings[first] as SettingDef);
  if (settings.length > 1 && rng.chance(0.2)) {
    const extra = rng.int(1, Math.min(3, settings.length));
    for (let k = 1; k <= extra; k++) text += ' - ' + change(rng, settings[(first + k) % settings.length] as SettingDef);
  }
  return text;
}

/** Zoom often ends operation_detail with a space. */
function trailing(rng: SeededRandom, text: string): string {
  return rng.chance(0.3) ? text + ' ' : text;
}

function meetingId(rng: SeededRandom): string {
  return `${rng.int(810, 990)} ${rng.int(1000, 10000)} ${rng.int(1000, 10000)}`;
}

/** An operation record before its time is drawn. */
export interface OperationDraft {
  operator: string;
  category_type: string;
  action: string;
  operation_detail: string;
}

type CategoryGenerator = (rng: SeededRandom, pop: Population, operator: string) => OperationDraft;

export function op(operator: string, category_type: string, action: string, operation_detail: string): OperationDraft {
  return { operator, category_type, action, operation_detail };
}

function userOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const member = rng.pick(pop.members).email;
  const roll = rng.next();
  if (roll < 0.12) {
    return op(
      operator,
      'User',
      'Add',
      trailing(rng, `Add User ${rng.pick(pop.newHires)}  - User Type: ${rng.chance(0.7) ? 'Licensed' : 'Basic'} - Department: ${rng.pick(DEPARTMENTS)}`),
    );
  }
  if (roll < 0.17) {
    const who = rng.chance(0.5) ? rng.pick(pop.newHires) : member;
    const detail = rng.chance(0.7) ? `Delete User ${who}  - User Type: ${rng.chance(0.5) ? 'Licensed' : 'Basic'} - Department: ${rng.pick(DEPARTMENTS)}` : `Delete User ${who}`;
    return op(operator, 'User', 'Delete', trailing(rng, detail));
  }
  // Zoom writes (de)activating a user as an Update; the detail names what happened.
  if (roll < 0.22) return op(operator, 'User', 'Update', `Activate User ${member} `);
  if (roll < 0.27) return op(operator, 'User', 'Update', `Deactivate User ${member} `);
  if (roll < 0.37) {
    // Background role changes never promote anyone to a privileged role: those come from DETECTION_TRIGGERS.
    const to = rng.pick(NON_PRIVILEGED_ROLES);
    let from = rng.pick(['Admin', 'Billing Admin', ...NON_PRIVILEGED_ROLES]);
    if (from === to) from = to === 'Member' ? 'Auditors' : 'Member';
    return op(operator, 'User', rng.chance(0.6) ? 'Update' : 'Batch Update', trailing(rng, `Change Role  - ${member}: from ${from} to ${to}`));
  }
  const action = roll < 0.75 ? 'Update' : roll < 0.88 ? 'SCIM API - Update' : 'Batch Update';
  const kind = rng.next();
  let detail: string;
  if (kind < 0.35) {
    detail = `Edit User ${member}  - Change Type: ${rng.chance(0.6) ? 'from Basic to Licensed' : 'from Licensed to Basic'}`;
  } else if (kind < 0.6) {
    detail = `Update User ${member}  - Job Title: set to ${rng.pick(JOB_TITLES)}`;
  } else if (kind < 0.8) {
    detail = `Update User ${member}  - Department: set to ${rng.pick(DEPARTMENTS)}`;
  } else {
    detail = `Update User ${member}  - Location: set to ${rng.pick(LOCATIONS)}`;
  }
  return op(operator, 'User', action, trailing(rng, detail));
}

/**
 * A user's own settings (`category_type` "User Settings", about half of a real
 * page). The detail's exact text is unconfirmed; it is written in the account
 * settings format. Settings a rule watches only move the way that fires none.
 */
function userSettingsOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const section = USER_SETTINGS_SECTIONS[weightedIndex(rng, USER_SETTINGS_SECTION_WEIGHTS)] as SectionDef;
  return op(operator, 'User Settings', 'Update', trailing(rng, `${section.section}  - ${changes(rng, section.settings)}`));
}

function groupOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const group = rng.pick(GROUP_NAMES);
  const roll = rng.next();
  if (roll < 0.15) return op(operator, 'User Group', 'Add', trailing(rng, `Add Group ${group}`));
  if (roll < 0.22) return op(operator, 'User Group', 'Delete', trailing(rng, `Delete Group ${group}`));
  return op(operator, 'User Group', 'Update', trailing(rng, `Edit Group ${group}  - ${changes(rng, GROUP_SETTINGS)}`));
}

function accountOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const section = ACCOUNT_SECTIONS[weightedIndex(rng, ACCOUNT_SECTION_WEIGHTS)] as SectionDef;
  return op(operator, 'Account', 'Update', trailing(rng, `${section.section}  - ${changes(rng, section.settings)}`));
}

function roleOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const role = rng.pick(CUSTOM_ROLES);
  const roll = rng.next();
  if (roll < 0.2) return op(operator, 'Role', 'Add', trailing(rng, `Add Role ${role}`));
  if (roll < 0.3) return op(operator, 'Role', 'Delete', trailing(rng, `Delete Role ${role}`));
  const first = `${rng.pick(ROLE_PRIVILEGES)}: ${rng.chance(0.7) ? 'from Off to On' : 'from On to Off'}`;
  const detail = rng.chance(0.3) ? `Edit Role ${role}  - ${first} - ${rng.pick(ROLE_PRIVILEGES)}: from Off to On` : `Edit Role ${role}  - ${first}`;
  return op(operator, 'Role', 'Update', trailing(rng, detail));
}

function billingOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const roll = rng.next();
  if (roll < 0.4) {
    const from = rng.int(20, 80);
    return op(operator, 'Billing', 'Update', trailing(rng, `Update Plan Business  - Licenses: from ${from} to ${from + rng.int(1, 15)}`));
  }
  if (roll < 0.6) return op(operator, 'Billing', 'Add', trailing(rng, `Add Plan ${rng.pick(PLANS)}`));
  if (roll < 0.7) return op(operator, 'Billing', 'Delete', trailing(rng, `Delete Plan ${rng.pick(PLANS)}`));
  if (roll < 0.85) return op(operator, 'Billing', 'Update', `Update Billing Contact ${rng.pick(pop.operators)} `);
  return op(operator, 'Billing', 'Update', trailing(rng, `Update Payment Method  - Card ending in ${rng.int(1000, 10000)}`));
}

function roomsOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const room = rng.pick(ROOMS);
  const roll = rng.next();
  if (roll < 0.15) return op(operator, 'Zoom Rooms', 'Add', trailing(rng, `Add Room ${room}`));
  if (roll < 0.22) return op(operator, 'Zoom Rooms', 'Delete', trailing(rng, `Delete Room ${room}`));
  const setting = rng.pick(ROOM_SETTINGS);
  return op(operator, 'Zoom Rooms', 'Update', trailing(rng, `Edit Room ${room}  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`));
}

function recordingOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const topic = rng.pick(MEETING_TOPICS);
  const roll = rng.next();
  if (roll < 0.7) {
    return op(operator, 'Recording', 'Delete', trailing(rng, `Delete Cloud Recording ${topic} (${meetingId(rng)})`));
  }
  if (roll < 0.85) {
    return op(operator, 'Recording', 'Update', trailing(rng, `Recover Cloud Recording ${topic} (${meetingId(rng)})`));
  }
  return op(operator, 'Recording', 'Update', trailing(rng, `Update Recording Settings  - Share recordings publicly: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`));
}

function webinarOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const roll = rng.next();
  if (roll < 0.4) {
    return op(operator, 'Webinar', 'Add', trailing(rng, `Add Webinar License Webinar 500 for ${rng.pick(pop.members).email}`));
  }
  if (roll < 0.55) {
    return op(operator, 'Webinar', 'Delete', trailing(rng, `Delete Webinar License Webinar 500 for ${rng.pick(pop.members).email}`));
  }
  const setting = rng.pick(WEBINAR_SETTINGS);
  return op(operator, 'Webinar', 'Update', trailing(rng, `Update Webinar Settings  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`));
}

function imOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const group = `${rng.pick(GROUP_NAMES)} Chat`;
  const roll = rng.next();
  if (roll < 0.3) return op(operator, 'IM', 'Add', trailing(rng, `Add IM Group ${group}`));
  if (roll < 0.4) return op(operator, 'IM', 'Delete', trailing(rng, `Delete IM Group ${group}`));
  if (roll < 0.7) {
    return op(operator, 'IM', 'Update', trailing(rng, `Edit IM Group ${group}  - Add Members: ${rng.pick(pop.members).email}`));
  }
  const setting = rng.pick(IM_SETTINGS);
  return op(operator, 'IM', 'Update', trailing(rng, `Update IM Settings  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`));
}

function subAccountOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const name = rng.pick(SUB_ACCOUNTS);
  const roll = rng.next();
  if (roll < 0.25) return op(operator, 'Sub Account', 'Add', trailing(rng, `Add Sub Account ${name}`));
  if (roll < 0.35) return op(operator, 'Sub Account', 'Delete', trailing(rng, `Delete Sub Account ${name}`));
  const from = rng.int(5, 50);
  return op(operator, 'Sub Account', 'Update', trailing(rng, `Update Sub Account ${name}  - Seats: from ${from} to ${from + rng.int(1, 20)}`));
}

const CATEGORIES: ReadonlyArray<{ weight: number; generate: CategoryGenerator; membersOperate: boolean }> = [
  // Users change their own settings: about half of a real page.
  { weight: 100, generate: userSettingsOperation, membersOperate: true },
  { weight: 34, generate: userOperation, membersOperate: false },
  { weight: 20, generate: accountOperation, membersOperate: false },
  { weight: 14, generate: groupOperation, membersOperate: false },
  { weight: 4, generate: roleOperation, membersOperate: false },
  { weight: 4, generate: billingOperation, membersOperate: false },
  { weight: 6, generate: roomsOperation, membersOperate: false },
  // Users manage their own recordings and chat groups.
  { weight: 9, generate: recordingOperation, membersOperate: true },
  { weight: 3, generate: webinarOperation, membersOperate: false },
  { weight: 4, generate: imOperation, membersOperate: true },
  { weight: 2, generate: subAccountOperation, membersOperate: false },
];
const CATEGORY_WEIGHTS = cumulative(CATEGORIES.map((c) => c.weight));

/** One background operation: a category by weight, then who did it, then what. */
export function backgroundOperation(rng: SeededRandom, pop: Population): OperationDraft {
  const category = CATEGORIES[weightedIndex(rng, CATEGORY_WEIGHTS)]!;
  const operator = category.membersOperate && rng.chance(0.5) ? rng.pick(pop.members).email : rng.pick(pop.operators);
  return category.generate(rng, pop, operator);
}
