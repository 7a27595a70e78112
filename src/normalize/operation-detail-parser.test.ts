import { describe, expect, it } from 'vitest';
import { parseOperationDetail, type OperationDetail } from './operation-detail-parser.js';

function sc(setting: string, from: string, to: string) {
  return { setting, settingKey: setting.toLowerCase().replace(/ +/g, ' '), from, to };
}

interface Case {
  name: string;
  category?: string;
  action?: string;
  detail: string | undefined;
  expected: OperationDetail;
}

// Every format listed in /work/shared/zoom-api.md, exactly as written there.
const documentedFormats: Case[] = [
  {
    name: 'account settings (doc)',
    category: 'Account',
    action: 'Update',
    detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'section with a sub-heading: the double space before the dash ends the section (doc)',
    category: 'Account',
    action: 'Update',
    detail: 'Quality Settings - Audio  - Receive Bitrate: from 20 to 200',
    expected: {
      kind: 'settings',
      section: 'Quality Settings - Audio',
      sectionKey: 'quality settings - audio',
      changes: [sc('Receive Bitrate', '20', '200')],
    },
  },
  {
    name: 'password policy change (doc)',
    category: 'Account',
    action: 'Update',
    detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 14 to 6',
    expected: {
      kind: 'settings',
      section: 'Sign-In Password Requirement',
      sectionKey: 'sign-in password requirement',
      changes: [sc('Have at least specified length of characters', '14', '6')],
    },
  },
  {
    name: 'role change (doc)',
    category: 'User',
    action: 'Update',
    detail: 'Change Role  - someone@example.com: from Member to Admin',
    expected: { kind: 'role_change', email: 'someone@example.com', from: 'Member', to: 'Admin' },
  },
  {
    name: 'add user with field: value changes (doc)',
    category: 'User',
    action: 'Add',
    detail: 'Add User someone@example.com  - User Type: Basic - Department: Foo',
    expected: {
      kind: 'user',
      verb: 'add',
      email: 'someone@example.com',
      changes: [
        { field: 'User Type', value: 'Basic' },
        { field: 'Department', value: 'Foo' },
      ],
    },
  },
  {
    name: 'update user with "set to" (doc)',
    category: 'User',
    action: 'Update',
    detail: 'Update User someone@example.com  - Job Title: set to Contractor',
    expected: {
      kind: 'user',
      verb: 'update',
      email: 'someone@example.com',
      changes: [{ field: 'Job Title', to: 'Contractor' }],
    },
  },
  {
    name: 'edit user with from/to (doc)',
    category: 'User',
    action: 'Update',
    detail: 'Edit User someone@example.com  - Change Type: from Basic to Licensed',
    expected: {
      kind: 'user',
      verb: 'edit',
      email: 'someone@example.com',
      changes: [{ field: 'Change Type', from: 'Basic', to: 'Licensed' }],
    },
  },
  {
    name: 'activate user, trailing space, no changes (doc)',
    category: 'User',
    action: 'Update',
    detail: 'Activate User someone@example.com ',
    expected: { kind: 'user', verb: 'activate', email: 'someone@example.com', changes: [] },
  },
  {
    name: 'add group (doc)',
    category: 'User Group',
    action: 'Add',
    detail: 'Add Group Engineers',
    expected: { kind: 'group', verb: 'add', group: 'Engineers', changes: [] },
  },
  {
    name: 'edit group with a change (doc)',
    category: 'User Group',
    action: 'Update',
    detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off',
    expected: {
      kind: 'group',
      verb: 'edit',
      group: 'Springfield',
      changes: [sc('Personal Meeting ID (PMI) Passcode', 'On', 'Off')],
    },
  },
];

// Separators as real Zoom pages write them: sub-headings, several changes, a
// trailing space, a dash with a space on one side only, en and em dashes.
const separators: Case[] = [
  {
    name: 'sub-heading section, several changes joined with " - ", trailing space',
    detail: 'Quality Settings - Audio  - Receive Bitrate: from 20 to 200 - Send Bitrate: from 20 to 100 ',
    expected: {
      kind: 'settings',
      section: 'Quality Settings - Audio',
      sectionKey: 'quality settings - audio',
      changes: [sc('Receive Bitrate', '20', '200'), sc('Send Bitrate', '20', '100')],
    },
  },
  {
    name: 'sub-heading section with a hyphenated name and On/Off changes',
    detail: 'Meeting - In Meeting (Advanced)  - Allow live streaming meetings: from On to Off - Far end camera control: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Meeting - In Meeting (Advanced)',
      sectionKey: 'meeting - in meeting (advanced)',
      changes: [sc('Allow live streaming meetings', 'On', 'Off'), sc('Far end camera control', 'Off', 'On')],
    },
  },
  {
    name: 'sub-heading section, later double-spaced dashes separate changes',
    detail: 'Quality Settings - Video  - Send Resolution: from 720 to 1080  - Receive Resolution: from 360 to 720',
    expected: {
      kind: 'settings',
      section: 'Quality Settings - Video',
      sectionKey: 'quality settings - video',
      changes: [sc('Send Resolution', '720', '1080'), sc('Receive Resolution', '360', '720')],
    },
  },
  {
    name: 'no space after the dash (Security -Sign in ...)',
    detail: 'Security -Sign in with Two-Factor Authentication: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'double space and no space after the dash',
    detail: 'Security  -Require a passcode when scheduling new meetings: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Require a passcode when scheduling new meetings', 'On', 'Off')],
    },
  },
  {
    name: 'no space before the dash ends a group name (Group Springfield- Personal ...)',
    detail: 'Edit Group Springfield- Personal Meeting ID (PMI) Passcode: from On to Off',
    expected: {
      kind: 'group',
      verb: 'edit',
      group: 'Springfield',
      changes: [sc('Personal Meeting ID (PMI) Passcode', 'On', 'Off')],
    },
  },
  {
    name: 'changes separated by an en dash',
    detail: 'Edit Group Springfield  - Waiting Room: from On to Off \u2013 Meeting passcode: from Off to On',
    expected: {
      kind: 'group',
      verb: 'edit',
      group: 'Springfield',
      changes: [sc('Waiting Room', 'On', 'Off'), sc('Meeting passcode', 'Off', 'On')],
    },
  },
  {
    name: 'section and changes separated by em dashes',
    detail: 'Security  \u2014 Waiting room: from Off to On \u2014 Sign in with Two-Factor Authentication: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Waiting room', 'Off', 'On'), sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'a dash inside a word never separates (Sign-in, Two-Factor, Co-Owner)',
    detail: 'Sign-in Methods  - Allow users to sign in with Two-Factor-App: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Sign-in Methods',
      sectionKey: 'sign-in methods',
      changes: [sc('Allow users to sign in with Two-Factor-App', 'Off', 'On')],
    },
  },
  {
    name: 'a glued sub-heading keeps its separator as written',
    detail: 'Security  - Sign-In Password Requirement -Have at least 8 characters: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign-In Password Requirement -Have at least 8 characters', 'On', 'Off')],
    },
  },
  {
    name: 'a group name ends at the double-spaced dash even when the change cannot be read: unknown, not a long group name',
    detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: On to Off',
    expected: { kind: 'unknown', raw: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: On to Off' },
  },
  {
    name: 'role change with no space after the dash',
    detail: 'Change Role -someone@example.com: from Member to Co-Owner',
    expected: { kind: 'role_change', email: 'someone@example.com', from: 'Member', to: 'Co-Owner' },
  },
  {
    name: 'role names containing " to ": split at the last " to ", as Panther reads them',
    detail: 'Change Role  - someone@example.com: from Member to Role to Admin',
    expected: { kind: 'role_change', email: 'someone@example.com', from: 'Member to Role', to: 'Admin' },
  },
  {
    name: 'role change with a non-ASCII e-mail',
    detail: 'Change Role  - Jos\u00e9@Ejemplo.es: from Member to Admin ',
    expected: { kind: 'role_change', email: 'jos\u00e9@ejemplo.es', from: 'Member', to: 'Admin' },
  },
];

const variants: Case[] = [
  {
    name: 'settings with trailing space',
    detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off ',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'settings with a single space before the dash',
    detail: 'Security - Sign in with Two-Factor Authentication: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'settings with many spaces and inner whitespace runs collapsed in names',
    detail: '  Security    -   Sign in  with Two-Factor   Authentication: from On to Off  ',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'several changes in one event',
    detail: 'Meeting  - Join before host: from Off to On - Mute participants upon entry: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Meeting',
      sectionKey: 'meeting',
      changes: [sc('Join before host', 'Off', 'On'), sc('Mute participants upon entry', 'Off', 'On')],
    },
  },
  {
    name: 'numeric values',
    detail: 'Meeting  - Waiting room: from 10 to 20',
    expected: {
      kind: 'settings',
      section: 'Meeting',
      sectionKey: 'meeting',
      changes: [sc('Waiting room', '10', '20')],
    },
  },
  {
    name: 'lower-case values (from on to off); original case kept, keys lower-cased',
    detail: 'SECURITY  - Sign In With Two-Factor Authentication: from on to off',
    expected: {
      kind: 'settings',
      section: 'SECURITY',
      sectionKey: 'security',
      changes: [
        {
          setting: 'Sign In With Two-Factor Authentication',
          settingKey: 'sign in with two-factor authentication',
          from: 'on',
          to: 'off',
        },
      ],
    },
  },
  {
    name: 'sign-in methods',
    detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Sign-in Methods',
      sectionKey: 'sign-in methods',
      changes: [sc('Allow users to sign in with Google', 'Off', 'On')],
    },
  },
  {
    // Decision: the section is the text before the FIRST dash ("Security"), and a
    // segment that is not itself a change ("Sign-In Password Requirement") is glued
    // onto the following change's name, so the setting reads
    // "Sign-In Password Requirement - Have at least 8 characters".
    name: 'Sign-In Password Requirement: sub-heading becomes a prefix of the setting name',
    detail: 'Security  - Sign-In Password Requirement - Have at least 8 characters: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign-In Password Requirement - Have at least 8 characters', 'On', 'Off')],
    },
  },
  {
    name: 'setting name containing a colon',
    detail: 'Recording  - Cloud recording: audio only: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Recording',
      sectionKey: 'recording',
      changes: [sc('Cloud recording: audio only', 'Off', 'On')],
    },
  },
  {
    name: 'value containing " - " stays in one change (fewer, longer pieces)',
    detail: 'Meeting  - Default topic: from Daily - Standup to Weekly - Sync - Mute upon entry: from Off to On',
    expected: {
      kind: 'settings',
      section: 'Meeting',
      sectionKey: 'meeting',
      changes: [sc('Default topic', 'Daily - Standup', 'Weekly - Sync'), sc('Mute upon entry', 'Off', 'On')],
    },
  },
  {
    name: 'a later piece that is not a change is folded into the previous value',
    detail: 'Meeting  - Join before host: from Off to On - see note: ok',
    expected: {
      kind: 'settings',
      section: 'Meeting',
      sectionKey: 'meeting',
      changes: [sc('Join before host', 'Off', 'On - see note: ok')],
    },
  },
  {
    name: 'role change with single spaces, upper-case email and trailing space',
    detail: 'Change Role - Someone@Example.COM: from Member  to  Admin ',
    expected: { kind: 'role_change', email: 'someone@example.com', from: 'Member', to: 'Admin' },
  },
  {
    name: 'role change to a role with spaces',
    category: 'User',
    action: 'Batch Update',
    detail: 'Change Role  - a.b@example.com: from Member to Billing Admin',
    expected: { kind: 'role_change', email: 'a.b@example.com', from: 'Member', to: 'Billing Admin' },
  },
  {
    name: 'group name with spaces',
    detail: 'Edit Group Sales Team EMEA  - Passcode: from On to Off',
    expected: {
      kind: 'group',
      verb: 'edit',
      group: 'Sales Team EMEA',
      changes: [sc('Passcode', 'On', 'Off')],
    },
  },
  {
    name: 'group name containing " - " ends at the first change',
    detail: 'Edit Group Sales - EMEA  - Passcode: from On to Off - Waiting room: from Off to On ',
    expected: {
      kind: 'group',
      verb: 'edit',
      group: 'Sales - EMEA',
      changes: [sc('Passcode', 'On', 'Off'), sc('Waiting room', 'Off', 'On')],
    },
  },
  {
    name: 'update user, single space, several mixed changes (value with " - " kept whole)',
    detail: 'Update User x@example.com - Job Title: set to Contractor - Department: R - D - User Type: from Basic to Licensed',
    expected: {
      kind: 'user',
      verb: 'update',
      email: 'x@example.com',
      changes: [
        { field: 'Job Title', to: 'Contractor' },
        { field: 'Department', value: 'R - D' },
        { field: 'User Type', from: 'Basic', to: 'Licensed' },
      ],
    },
  },
  {
    name: 'deactivate user',
    detail: 'Deactivate User Someone@Example.com',
    expected: { kind: 'user', verb: 'deactivate', email: 'someone@example.com', changes: [] },
  },
  {
    name: 'HTML/script inside a setting is parsed literally (never executed)',
    detail: 'Security  - <b>Bold</b> <script>alert(1)</script>: from On to Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('<b>Bold</b> <script>alert(1)</script>', 'On', 'Off')],
    },
  },
  {
    name: 'pure HTML/script is unknown',
    detail: '<script>throw new Error("x")</script><img src=x onerror=alert(1)>',
    expected: { kind: 'unknown', raw: '<script>throw new Error("x")</script><img src=x onerror=alert(1)>' },
  },
  { name: 'empty string', detail: '', expected: { kind: 'unknown', raw: '' } },
  { name: 'whitespace only', detail: '   ', expected: { kind: 'unknown', raw: '   ' } },
  { name: 'undefined', detail: undefined, expected: { kind: 'unknown', raw: '' } },
  {
    name: 'free text without structure',
    detail: 'Something happened',
    expected: { kind: 'unknown', raw: 'Something happened' },
  },
  {
    name: 'section with a change that is not from/to',
    detail: 'Security  - Something: maybe',
    expected: { kind: 'unknown', raw: 'Security  - Something: maybe' },
  },
  {
    name: 'upper-case FROM/TO is not required; here it still parses (keywords are case-insensitive)',
    detail: 'Security  - Sign in with Two-Factor Authentication: FROM On TO Off',
    expected: {
      kind: 'settings',
      section: 'Security',
      sectionKey: 'security',
      changes: [sc('Sign in with Two-Factor Authentication', 'On', 'Off')],
    },
  },
  {
    name: 'change role without from/to is unknown',
    detail: 'Change Role  - someone@example.com',
    expected: { kind: 'unknown', raw: 'Change Role  - someone@example.com' },
  },
];

describe('parseOperationDetail', () => {
  it.each(documentedFormats)('documented format: $name', ({ category, action, detail, expected }) => {
    expect(parseOperationDetail(category, action, detail)).toEqual(expected);
  });

  it.each(separators)('separators: $name', ({ category, action, detail, expected }) => {
    expect(parseOperationDetail(category, action, detail)).toEqual(expected);
  });

  it.each(variants)('$name', ({ category, action, detail, expected }) => {
    const result = parseOperationDetail(category, action, detail);
    expect(result).toEqual(expected);
    // JSON-serializable: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('does not let category/action override the form of the text', () => {
    expect(parseOperationDetail('Account', 'Update', 'Edit Group Springfield  - Passcode: from On to Off')).toMatchObject({
      kind: 'group',
      group: 'Springfield',
    });
    expect(parseOperationDetail(undefined, undefined, 'Change Role  - a@b.co: from Member to Owner')).toMatchObject({
      kind: 'role_change',
    });
  });

  it('never throws on non-string input at runtime', () => {
    for (const bad of [null, 42, {}, [], Symbol('x')] as unknown[]) {
      expect(parseOperationDetail(bad as string, bad as string, bad as string)).toEqual({ kind: 'unknown', raw: '' });
    }
  });

  it('finishes on 100,000-character inputs (no catastrophic backtracking)', () => {
    const inputs = [
      'a'.repeat(100_000),
      ' '.repeat(100_000),
      ' -'.repeat(50_000),
      ': from '.repeat(14_286).slice(0, 100_000),
      `Security  - ${'x: from '.repeat(12_500)}`.slice(0, 100_000),
      `Security  - ${'-'.repeat(99_000)}: from On to Off`,
      `Edit Group ${'G - '.repeat(25_000)}`,
      `Update User a@b.co  - ${'F: v - '.repeat(14_285)}`,
    ];
    for (const input of inputs) {
      expect(input.length).toBeGreaterThan(90_000);
      const result = parseOperationDetail('Account', 'Update', input);
      expect(typeof result.kind).toBe('string');
    }

    const many = `Meeting  - ${Array.from({ length: 3000 }, (_, i) => `Setting ${i}: from Off to On`).join(' - ')}`;
    expect(many.length).toBeGreaterThan(80_000);
    const parsed = parseOperationDetail('Account', 'Update', many);
    expect(parsed.kind).toBe('settings');
    if (parsed.kind === 'settings') {
      expect(parsed.changes).toHaveLength(3000);
      expect(parsed.changes[2999]).toEqual(sc('Setting 2999', 'Off', 'On'));
    }
  });
});
