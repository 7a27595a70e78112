/**
 * The settings an operation record can change, by section of the account
 * settings page, and how background traffic may move each of them. Data only:
 * background-operations.ts draws changes from these tables.
 */

/**
 * How a setting may change in background traffic. Settings that one of
 * Panther's rules watches only move in the direction that does not fire it,
 * so every alert in a generated day comes from DETECTION_TRIGGERS.
 */
export type Direction = 'either' | 'enableOnly' | 'disableOnly';

export interface SettingDef {
  name: string;
  direction?: Direction;
  /** Numeric setting: the values it moves between. */
  values?: readonly number[];
  /** Numeric setting that may only grow (weakening it would be a sign-in requirement change). */
  growOnly?: boolean;
}

export interface SectionDef {
  section: string;
  weight: number;
  settings: readonly SettingDef[];
}

export const ACCOUNT_SECTIONS: readonly SectionDef[] = [
  {
    section: 'Meeting',
    weight: 6,
    settings: [
      { name: 'Maximum participants', values: [100, 300, 500, 1000] },
      { name: 'Join before host' },
      { name: 'Mute participants upon entry' },
      { name: 'Co-host' },
      { name: 'Polling' },
      { name: 'Breakout room' },
      { name: 'Remote control' },
      { name: 'Allow removed participants to rejoin' },
    ],
  },
  {
    section: 'In Meeting (Basic)',
    weight: 4,
    settings: [{ name: 'Chat' }, { name: 'Private chat' }, { name: 'File transfer' }, { name: 'Screen sharing' }, { name: 'Annotation' }, { name: 'Whiteboard' }],
  },
  {
    section: 'Schedule Meeting',
    weight: 3,
    settings: [{ name: 'Host video' }, { name: 'Participants video' }, { name: 'Enable Personal Meeting ID' }],
  },
  {
    section: 'Recording',
    weight: 3,
    settings: [
      { name: 'Cloud recording' },
      { name: 'Local recording' },
      { name: 'Automatic recording' },
      { name: 'Delete cloud recordings after days', values: [30, 60, 90, 120, 365] },
    ],
  },
  {
    section: 'Security',
    weight: 3,
    settings: [
      { name: 'Waiting Room' },
      { name: 'Only authenticated users can join meetings', direction: 'enableOnly' },
      { name: 'Sign in with Two-Factor Authentication', direction: 'enableOnly' },
      { name: 'Require a passcode when scheduling new meetings', direction: 'enableOnly' },
      { name: 'Require a passcode for instant meetings', direction: 'enableOnly' },
      { name: 'Require that all meetings are secured with one security option', direction: 'enableOnly' },
      { name: 'Automatically sign users out after a specified time', direction: 'enableOnly' },
      { name: 'Embed passcode in invite link for one-click join' },
    ],
  },
  {
    section: 'Sign-in Methods',
    weight: 1,
    settings: [
      { name: 'Allow users to sign in with Google', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Apple ID', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Facebook', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Microsoft', direction: 'disableOnly' },
    ],
  },
  {
    section: 'Sign-In Password Requirement',
    weight: 1,
    settings: [
      { name: 'Have at least specified length of characters', values: [8, 10, 12, 14, 16], growOnly: true },
      { name: 'Include at least 1 letter', direction: 'enableOnly' },
      { name: 'Include at least 1 number', direction: 'enableOnly' },
      { name: 'Include at least 1 special character', direction: 'enableOnly' },
      { name: 'Include both uppercase and lowercase characters', direction: 'enableOnly' },
    ],
  },
  {
    // A section with a sub-heading: the section is `Quality Settings - Audio`, the header ends at the two spaces.
    section: 'Quality Settings - Audio',
    weight: 1,
    settings: [
      { name: 'Receive Bitrate', values: [20, 50, 100, 200] },
      { name: 'Send Bitrate', values: [20, 50, 100, 200] },
    ],
  },
  {
    section: 'Telephone',
    weight: 1,
    settings: [{ name: 'Toll Call' }, { name: 'Call Me' }, { name: 'Mask phone number in the participant list' }],
  },
  {
    section: 'Email Notification',
    weight: 1,
    settings: [{ name: 'When a cloud recording is available' }, { name: 'When attendees join meeting before host' }],
  },
];

/** The sections a user can change for themselves. */
export const USER_SETTINGS_SECTIONS: readonly SectionDef[] = ACCOUNT_SECTIONS.filter((s) =>
  ['Meeting', 'In Meeting (Basic)', 'Schedule Meeting', 'Recording', 'Email Notification'].includes(s.section),
);

export const GROUP_SETTINGS: readonly SettingDef[] = [
  { name: 'Join before host' },
  { name: 'Cloud recording' },
  { name: 'Local recording' },
  { name: 'Waiting Room' },
  { name: 'Screen sharing' },
  { name: 'Chat' },
  { name: 'Breakout room' },
  { name: 'Mute participants upon entry' },
  { name: 'Personal Meeting ID (PMI) Passcode', direction: 'enableOnly' },
  { name: 'Require a passcode when scheduling new meetings', direction: 'enableOnly' },
];
