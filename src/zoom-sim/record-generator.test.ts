import { describe, expect, it } from 'vitest';
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import { DETECTION_TRIGGERS, NEAR_MISSES, PANTHER_ZOOM_RULE_IDS, generateDay, simulatedUsers, type DetectionSample, type GenerateDayOptions } from './record-generator.js';
import { SeededRandom } from './seeded-random.js';

type OperationFields = Pick<OperationLogRecord, 'category_type' | 'action' | 'operation_detail'>;

/**
 * Panther's eight rules, transcribed as literally as possible from
 * panther-analysis (including their raw string comparisons), so these tests
 * show which records Panther itself would alert on.
 */
const PANTHER_RULES: Record<string, (e: OperationFields) => boolean> = {
  'Zoom.All.Meetings.Secured.With.One.Option.Disabled': (e) =>
    e.action === 'Update' && e.category_type === 'Account' && e.operation_detail.includes('Require that all meetings are secured with one security option: from On to Off'),
  'Zoom.Automatic.Sign.Out.Disabled': (e) =>
    e.action === 'Update' && e.category_type === 'Account' && e.operation_detail.includes('Automatically sign users out after a specified time: from On to Off'),
  'Zoom.New.Meeting.Passcode.Required.Disabled': (e) =>
    e.action === 'Update' && e.category_type === 'Account' && e.operation_detail === 'Security  - Require a passcode when scheduling new meetings: from On to Off',
  'Zoom.PasscodeDisabled': (e) => {
    if (e.category_type !== 'User Group' || e.action !== 'Update') return false;
    // Python's raw_string.split("-")[1] raises when there is no dash: a rule error, no alert.
    const change = e.operation_detail.split('-')[1]?.trim();
    return change !== undefined && change.includes('Passcode') && change.includes('On to Off');
  },
  'Zoom.Sign.In.Method.Modified': (e) =>
    e.action === 'Update' &&
    e.category_type === 'Account' &&
    e.operation_detail.includes('Sign-in Methods  - Allow users to sign in with ') &&
    e.operation_detail.includes('from Off to On'),
  'Zoom.Sign.In.Requirements.Changed': (e) =>
    e.action === 'Update' && e.category_type === 'Account' && e.operation_detail.includes('Sign-In Password Requirement') && e.operation_detail.includes('On to Off'),
  'Zoom.Two.Factor.Authentication.Disabled': (e) =>
    e.action === 'Update' && e.category_type === 'Account' && e.operation_detail === 'Security  - Sign in with Two-Factor Authentication: from On to Off',
  'Zoom.User.Promoted.to.Privileged.Role': (e) => {
    if (!(e.action.includes('Update') && e.category_type === 'User' && e.operation_detail.startsWith('Change Role'))) {
      return false;
    }
    // Python's re.search(...)[0] raises without an email: a rule error, no alert.
    if (!/[\w.+%-]+@[\w.-]+\.[a-zA-Z]{2,}/.test(e.operation_detail)) return false;
    const m = /from ([-\s\w]+) to ([-\s\w]+)/.exec(e.operation_detail);
    const privileged = ['Admin', 'Co-Owner', 'Owner', 'Billing Admin'];
    return m !== null && privileged.includes(m[2]!) && !privileged.includes(m[1]!);
  },
};

function rulesFiring(e: OperationFields): string[] {
  return Object.entries(PANTHER_RULES)
    .filter(([, rule]) => rule(e))
    .map(([id]) => id);
}

const sampleKey = (e: OperationFields) => `${e.category_type}\u0000${e.action}\u0000${e.operation_detail}`;

const RFC3339_WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DAY = '2026-03-01';
const base: GenerateDayOptions = { seed: 7, day: DAY, volume: { activities: 3000, operations: 3000 } };

/** Records that are malformed, outside the day or out of order; empty when all is well. */
function badTimes(records: ReadonlyArray<{ time: string }>, day: string): string[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  const bad: string[] = [];
  let previous = -Infinity;
  for (const r of records) {
    const ms = Date.parse(r.time);
    const ok =
      RFC3339_WHOLE_SECONDS.test(r.time) &&
      r.time.startsWith(`${day}T`) &&
      new Date(ms).toISOString().replace('.000Z', 'Z') === r.time &&
      ms >= start &&
      ms < start + 86_400_000 &&
      ms >= previous;
    if (!ok) bad.push(r.time);
    previous = ms;
  }
  return bad;
}

describe('SeededRandom', () => {
  it('repeats a stream for the same seed and key, and differs across keys', () => {
    const draw = (r: SeededRandom) => Array.from({ length: 20 }, () => r.next());
    expect(draw(SeededRandom.forKey(1, 'a'))).toEqual(draw(SeededRandom.forKey(1, 'a')));
    expect(draw(new SeededRandom(1))).toEqual(draw(SeededRandom.forKey(1, '')));
    expect(draw(SeededRandom.forKey(1, 'a'))).not.toEqual(draw(SeededRandom.forKey(1, 'b')));
    expect(draw(SeededRandom.forKey(1, 'a'))).not.toEqual(draw(SeededRandom.forKey(2, 'a')));
  });

  it('stays inside its ranges and is roughly uniform', () => {
    const r = new SeededRandom(99);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      const k = r.int(0, 10);
      buckets[k]!++;
    }
    expect(outside).toBe(0);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(100_000);
    for (const b of buckets) expect(b).toBeGreaterThan(9_000);
    expect(['x', 'y']).toContain(r.pick(['x', 'y']));
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
  });

  it('refuses empty ranges and arrays', () => {
    const r = new SeededRandom(1);
    expect(() => r.int(3, 3)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
    expect(() => new SeededRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe('generateDay', () => {
  it('is deterministic', () => {
    expect(generateDay(base)).toStrictEqual(generateDay({ ...base, volume: { ...base.volume } }));
    expect(generateDay(base)).not.toEqual(generateDay({ ...base, seed: 8 }));
  });

  it('returns exactly the requested counts', () => {
    for (const [activities, operations] of [
      [0, 0],
      [1, 1],
      [2, 3],
      [7, 19],
      [1001, 999],
    ] as const) {
      for (const identicalShare of [0, 0.01, 0.5, 1]) {
        const day = generateDay({ ...base, volume: { activities, operations }, identicalShare, detectionShare: 0.3 });
        expect(day.activities).toHaveLength(activities);
        expect(day.operations).toHaveLength(operations);
      }
    }
  });

  it('puts every record inside the day, in whole RFC 3339 UTC seconds, oldest first', () => {
    for (const d of ['2026-03-01', '2024-02-29', '2025-12-31']) {
      const day = generateDay({ ...base, day: d });
      expect(badTimes(day.activities, d)).toEqual([]);
      expect(badTimes(day.operations, d)).toEqual([]);
    }
  });

  it('generates each day independently of any other day', () => {
    const alone = generateDay({ ...base, day: '2026-03-05' });
    generateDay({ ...base, day: '2026-03-04' });
    generateDay({ ...base, day: '2026-03-06', seed: 1234 });
    expect(generateDay({ ...base, day: '2026-03-05' })).toStrictEqual(alone);
    expect(generateDay({ ...base, day: '2026-03-06' }).activities).not.toEqual(alone.activities);
  });

  it("keeps one report's records when only the other report's volume changes", () => {
    const a = generateDay({ ...base, volume: { activities: 10, operations: 500 } });
    const b = generateDay({ ...base, volume: { activities: 900, operations: 500 } });
    expect(b.operations).toStrictEqual(a.operations);
  });

  it('rejects invalid input', () => {
    expect(() => generateDay({ ...base, day: '2026-02-30' })).toThrow(RangeError);
    expect(() => generateDay({ ...base, day: '2026-3-1' })).toThrow(RangeError);
    expect(() => generateDay({ ...base, volume: { activities: -1, operations: 0 } })).toThrow(RangeError);
    expect(() => generateDay({ ...base, volume: { activities: 1.5, operations: 0 } })).toThrow(RangeError);
    expect(() => generateDay({ ...base, detectionShare: 2 })).toThrow(RangeError);
    expect(() => generateDay({ ...base, identicalShare: -0.1 })).toThrow(RangeError);
    expect(() => generateDay({ ...base, domain: 'a@b' })).toThrow(RangeError);
  });

  it('uses a fixed population of about 50 first.last users per seed, with a few operators', () => {
    const users = simulatedUsers(7);
    expect(users.length).toBeGreaterThanOrEqual(40);
    expect(users.length).toBeLessThanOrEqual(60);
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
    for (const u of users) expect(u.email).toMatch(/^[a-z]+\.[a-z]+@example\.com$/);
    expect(users.filter((u) => u.role === 'Owner')).toHaveLength(1);
    expect(simulatedUsers(7)).toEqual(users);
    expect(simulatedUsers(8)).not.toEqual(users);

    const day = generateDay(base);
    const emails = new Set(users.map((u) => u.email));
    expect(day.activities.filter((a) => !emails.has(a.email))).toEqual([]);
    const operatorCounts = new Map<string, number>();
    for (const o of day.operations) operatorCounts.set(o.operator, (operatorCounts.get(o.operator) ?? 0) + 1);
    const admins = new Set(users.filter((u) => u.role === 'Owner' || u.role === 'Admin').map((u) => u.email));
    // Users change their own settings; the rest is admin work.
    const adminWork = day.operations.filter((o) => o.category_type !== 'User Settings');
    const byAdmins = adminWork.filter((o) => admins.has(o.operator)).length;
    expect(admins.size).toBeLessThanOrEqual(6);
    expect(byAdmins / adminWork.length).toBeGreaterThan(0.8);
    expect(day.operations.some((o) => o.category_type === 'User Settings' && !admins.has(o.operator))).toBe(true);
  });

  it('honours the domain option everywhere, triggers included', () => {
    const day = generateDay({ ...base, domain: 'acme.test' });
    expect(day.activities.filter((a) => !a.email.endsWith('@acme.test'))).toEqual([]);
    expect(day.operations.filter((o) => !o.operator.endsWith('@acme.test'))).toEqual([]);
    expect(day.operations.filter((o) => o.operation_detail.includes('@example.com'))).toEqual([]);
    expect(day.operations.some((o) => o.operation_detail.includes('@acme.test'))).toBe(true);
  });
});

describe('generated activities', () => {
  const { activities } = generateDay({ ...base, volume: { activities: 20_000, operations: 0 } });

  it('are sign-ins and sign-outs, roughly paired', () => {
    const signIns = activities.filter((a) => a.type === 'Sign in').length;
    const signOuts = activities.filter((a) => a.type === 'Sign out').length;
    expect(signIns + signOuts).toBe(activities.length);
    expect(signIns / signOuts).toBeGreaterThan(0.9);
    expect(signIns / signOuts).toBeLessThan(1.1);
  });

  it('come from varied clients written as real records write them: lower case or Browser, versions like 5.13.7.15481, - for Browser', () => {
    const clients = new Set(activities.flatMap((a) => (a.client_type === undefined ? [] : [a.client_type])));
    expect([...clients].sort()).toEqual(['Browser', 'android', 'ios', 'linux', 'mac', 'windows']);
    const apps = activities.filter((a) => a.client_type !== undefined && a.client_type !== 'Browser' && a.version !== undefined);
    expect(apps.filter((a) => !/^\d+\.\d+\.\d+\.\d+$/.test(a.version!))).toEqual([]);
    const browsers = activities.filter((a) => a.client_type === 'Browser');
    expect(browsers.filter((a) => a.version !== undefined && a.version !== '-')).toEqual([]);
    expect(browsers.some((a) => a.version === '-')).toBe(true);
    expect(activities.some((a) => a.version === '5.13.7.15481')).toBe(true);
  });

  it('mix IPv4 and IPv6 addresses', () => {
    const ips = activities.flatMap((a) => (a.ip_address === undefined ? [] : [a.ip_address]));
    const v4 = ips.filter((ip) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip));
    const v6 = ips.filter((ip) => ip.includes(':'));
    expect(v4.length + v6.length).toBe(ips.length);
    expect(v6.length / ips.length).toBeGreaterThan(0.05);
    expect(v4.length / ips.length).toBeGreaterThan(0.5);
    expect(v4.filter((ip) => ip.split('.').some((part) => Number(part) > 255))).toEqual([]);
    expect(v6.filter((ip) => !/^[0-9a-f:]+$/.test(ip))).toEqual([]);
  });

  it('sometimes lack ip_address, client_type or version entirely', () => {
    for (const key of ['ip_address', 'client_type', 'version'] as const) {
      expect(activities.some((a) => !(key in a))).toBe(true);
      // Absent, never present with an undefined value.
      expect(activities.some((a) => key in a && a[key] === undefined)).toBe(false);
    }
    expect(activities.some((a) => !('client_type' in a) && 'ip_address' in a)).toBe(true);
  });

  it('keep Zoom key order', () => {
    const full = activities.find((a) => Object.keys(a).length === 6) as ActivityLogRecord;
    expect(Object.keys(full)).toEqual(['email', 'time', 'type', 'ip_address', 'client_type', 'version']);
  });
});

describe('generated operations', () => {
  const { operations } = generateDay({ ...base, volume: { activities: 0, operations: 20_000 } });

  it('use Title Case categories, about half of them User Settings as in real pages, then User, Account and User Group', () => {
    const counts = new Map<string, number>();
    for (const o of operations) counts.set(o.category_type, (counts.get(o.category_type) ?? 0) + 1);
    const expected = ['User Settings', 'User', 'User Group', 'Account', 'Role', 'Billing', 'Zoom Rooms', 'Recording', 'Webinar', 'IM', 'Sub Account'];
    expect([...counts.keys()].sort()).toEqual([...expected].sort());
    const userSettings = counts.get('User Settings')! / operations.length;
    expect(userSettings).toBeGreaterThan(0.4);
    expect(userSettings).toBeLessThan(0.6);
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([c]) => c);
    expect(top.sort()).toEqual(['Account', 'User', 'User Group', 'User Settings']);
    expect(counts.get('Recording')).toBeGreaterThan(0);
  });

  it("write activating and deactivating a user as action Update with the detail naming it (Zoom's own example)", () => {
    const activations = operations.filter((o) => /^(Activate|Deactivate) User /.test(o.operation_detail));
    expect(new Set(activations.map((o) => o.operation_detail.split(' ')[0]))).toEqual(new Set(['Activate', 'Deactivate']));
    expect(new Set(activations.map((o) => `${o.category_type}/${o.action}`))).toEqual(new Set(['User/Update']));
  });

  it('use the documented actions as fits the category', () => {
    const allowed = ['Add', 'Update', 'Delete', 'Batch Update', 'SCIM API - Update'];
    expect(operations.filter((o) => !allowed.includes(o.action))).toEqual([]);
    const nonUser = operations.filter((o) => o.category_type !== 'User');
    expect(nonUser.filter((o) => !['Add', 'Update', 'Delete'].includes(o.action))).toEqual([]);
    const userActions = new Set(operations.filter((x) => x.category_type === 'User').map((x) => x.action));
    expect([...userActions].sort()).toEqual([...allowed].sort());
  });

  it('write operation_detail in every documented format, often with a trailing space', () => {
    const details = operations.map((o) => o.operation_detail);
    const formats: Record<string, RegExp> = {
      accountSetting: /^[A-Z][\w ()-]* {2}- [^:]+: from (On|Off) to (On|Off)/,
      accountNumeric: /^Meeting {2}- Maximum participants: from \d+ to \d+/,
      subHeadingSection: /^Quality Settings - Audio {2}- (Receive|Send) Bitrate: from \d+ to \d+/,
      accountMulti: /^[A-Z][\w ()-]* {2}- [^:]+: from \w+ to \w+ - [^:]+: from \w+ to \w+/,
      roleChange: /^Change Role {2}- [a-z]+\.[a-z]+@example\.com: from [\w -]+ to [\w -]+ ?$/,
      addUser: /^Add User \S+@example\.com {2}- User Type: (Basic|Licensed) - Department: [\w ]+ ?$/,
      updateUser: /^Update User \S+@example\.com {2}- Job Title: set to [\w ]+ ?$/,
      editUser: /^Edit User \S+@example\.com {2}- Change Type: from (Basic|Licensed) to (Basic|Licensed) ?$/,
      activateUser: /^Activate User \S+@example\.com $/,
      deactivateUser: /^Deactivate User \S+@example\.com $/,
      deleteUser: /^Delete User \S+@example\.com/,
      addGroup: /^Add Group [\w ]+ ?$/,
      editGroup: /^Edit Group [\w ]+ {2}- [^:]+: from (On|Off) to (On|Off)/,
      deleteGroup: /^Delete Group [\w ]+ ?$/,
      addRole: /^Add Role [\w ]+ ?$/,
      editRole: /^Edit Role [\w ]+ {2}- [^:]+: from (On|Off) to (On|Off)/,
    };
    for (const [name, re] of Object.entries(formats)) {
      expect(
        details.some((d) => re.test(d)),
        name,
      ).toBe(true);
    }
    const trailingShare = details.filter((d) => d.endsWith(' ')).length / details.length;
    expect(trailingShare).toBeGreaterThan(0.15);
    expect(trailingShare).toBeLessThan(0.6);
    expect(details.filter((d) => d.trim().length === 0)).toEqual([]);
  });

  it('mix in every detection trigger, variants included, once a day has enough detections', () => {
    const seen = new Set(operations.map(sampleKey));
    for (const t of DETECTION_TRIGGERS) expect(seen.has(sampleKey(t)), t.operation_detail).toBe(true);
    const small = generateDay({ ...base, day: '2026-04-02', volume: { activities: 0, operations: 600 } }).operations;
    const smallSeen = new Set(small.map(sampleKey));
    for (const t of DETECTION_TRIGGERS) expect(smallSeen.has(sampleKey(t)), t.operation_detail).toBe(true);
  });

  it('contain detection triggers at exactly detectionShare, and no alert outside them', () => {
    const triggers = new Set(DETECTION_TRIGGERS.map(sampleKey));
    for (const share of [0, 0.05, 0.2]) {
      const ops = generateDay({
        ...base,
        day: '2026-05-10',
        volume: { activities: 0, operations: 4000 },
        detectionShare: share,
        identicalShare: 0,
      }).operations;
      const detections = ops.filter((o) => triggers.has(sampleKey(o)));
      expect(detections).toHaveLength(Math.round(4000 * share));
      const alerts = ops.filter((o) => !triggers.has(sampleKey(o)) && rulesFiring(o).length > 0);
      expect(alerts.map((o) => o.operation_detail)).toEqual([]);
    }
  });

  it('contain near misses as ordinary traffic', () => {
    const seen = new Set(operations.map(sampleKey));
    expect(NEAR_MISSES.filter((n) => seen.has(sampleKey(n))).length).toBeGreaterThan(NEAR_MISSES.length / 2);
  });
});

describe('the Panther rule transcription used by these tests', () => {
  // Test events from Panther's own rule files, with their expected results.
  const cases: Array<[string, string, string, string, boolean]> = [
    ['Zoom.PasscodeDisabled', 'User Group', 'Update', 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off', true],
    ['Zoom.PasscodeDisabled', 'User Group', 'Update', 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On', false],
    ['Zoom.PasscodeDisabled', 'User Group', 'Add', 'Add Group Engineers', false],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from User to Co-Owner', true],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from Admin to Co-Owner', false],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from Admin to Billing Admin', false],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from Member to Billing Admin', true],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from Co-Owner to User', false],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'Batch Update', 'Change Role  - homer.simpson@duff.io: from Co-Owner to Admin', false],
    ['Zoom.User.Promoted.to.Privileged.Role', 'User', 'SCIM API - Update', 'Edit User homer.simpson@duff.co  - Change Type: from Basic to Licensed', false],
    ['Zoom.Sign.In.Method.Modified', 'Account', 'Update', 'Sign-in Methods  - Allow users to sign in with Google: from Off to On', true],
    ['Zoom.Sign.In.Method.Modified', 'Account', 'Update', 'Security  - Automatically sign users out after a specified time: from On to Off', false],
    [
      'Zoom.Sign.In.Requirements.Changed',
      'Account',
      'Update',
      'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from On to Off',
      true,
    ],
    [
      'Zoom.Sign.In.Requirements.Changed',
      'Account',
      'Update',
      'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from Off to On',
      false,
    ],
    ['Zoom.Sign.In.Requirements.Changed', 'Account', 'Update', 'Security  - Sign in with Two-Factor Authentication: from On to Off', false],
    ['Zoom.All.Meetings.Secured.With.One.Option.Disabled', 'Account', 'Update', 'Security  - Require that all meetings are secured with one security option: from On to Off', true],
    [
      'Zoom.All.Meetings.Secured.With.One.Option.Disabled',
      'Account',
      'Update',
      'Security  - Require that all meetings are secured with one security option: from Off to On',
      false,
    ],
    ['Zoom.All.Meetings.Secured.With.One.Option.Disabled', 'User', 'Update', 'Update User example@example.io  - Job Title: set to Contractor', false],
  ];

  it.each(cases)('%s on %s/%s %j is %s', (ruleId, category_type, action, operation_detail, expected) => {
    expect(PANTHER_RULES[ruleId]!({ category_type, action, operation_detail })).toBe(expected);
  });
});

describe('DETECTION_TRIGGERS and NEAR_MISSES', () => {
  const byRule = (samples: ReadonlyArray<DetectionSample>, ruleId: string) => samples.filter((s) => s.ruleId === ruleId);

  it('cover each of the eight Panther rules with a record Panther fires on', () => {
    for (const ruleId of PANTHER_ZOOM_RULE_IDS) {
      expect(byRule(DETECTION_TRIGGERS, ruleId).filter((t) => !t.variant).length, ruleId).toBeGreaterThan(0);
      expect(byRule(NEAR_MISSES, ruleId).length, ruleId).toBeGreaterThan(0);
    }
    for (const s of [...DETECTION_TRIGGERS, ...NEAR_MISSES]) expect(PANTHER_ZOOM_RULE_IDS).toContain(s.ruleId);
  });

  it('fire exactly their own rule in Panther, unless marked as a variant Panther misses', () => {
    for (const t of DETECTION_TRIGGERS) {
      expect(rulesFiring(t), `${t.ruleId}: ${JSON.stringify(t.operation_detail)}`).toEqual(t.variant ? [] : [t.ruleId]);
    }
  });

  it('include the variants the brief asks for', () => {
    const variants = DETECTION_TRIGGERS.filter((t) => t.variant);
    expect(variants.some((t) => /^Security - /.test(t.operation_detail))).toBe(true);
    expect(variants.some((t) => t.operation_detail.endsWith(' '))).toBe(true);
    expect(variants.some((t) => t.action === 'Batch Update')).toBe(true);
    expect(DETECTION_TRIGGERS.some((t) => !t.variant && t.action === 'Batch Update' && t.ruleId === PANTHER_ZOOM_RULE_IDS[7])).toBe(true);
    for (const ruleId of ['Zoom.New.Meeting.Passcode.Required.Disabled', 'Zoom.Two.Factor.Authentication.Disabled']) {
      const exact = DETECTION_TRIGGERS.filter((t) => t.ruleId === ruleId && !t.variant).map((t) => t.operation_detail);
      expect(exact.every((d) => d.includes('  - '))).toBe(true);
    }
  });

  it('near misses fire no Panther rule', () => {
    for (const n of NEAR_MISSES) expect(rulesFiring(n), n.operation_detail).toEqual([]);
    const triggers = new Set(DETECTION_TRIGGERS.map(sampleKey));
    for (const n of NEAR_MISSES) expect(triggers.has(sampleKey(n))).toBe(false);
  });
});

describe('identical records', () => {
  function duplicates<T>(records: readonly T[]): number {
    const seen = new Map<string, number>();
    for (const r of records) {
      const k = JSON.stringify(r);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    return [...seen.values()].filter((n) => n > 1).length;
  }

  it('exist in a day when identicalShare > 0, as separate objects in the same second', () => {
    const day = generateDay({ ...base, volume: { activities: 200, operations: 200 }, identicalShare: 0.01 });
    expect(duplicates(day.activities)).toBeGreaterThan(0);
    expect(duplicates(day.operations)).toBeGreaterThan(0);
    const small = generateDay({ ...base, volume: { activities: 10, operations: 10 }, identicalShare: 0.01 });
    expect(duplicates(small.activities)).toBeGreaterThan(0);
    expect(duplicates(small.operations)).toBeGreaterThan(0);
    for (let i = 1; i < day.operations.length; i++) {
      if (JSON.stringify(day.operations[i]) === JSON.stringify(day.operations[i - 1])) {
        expect(day.operations[i]).not.toBe(day.operations[i - 1]);
      }
    }
  });

  it('scale with identicalShare', () => {
    const many = generateDay({ ...base, volume: { activities: 10_000, operations: 10_000 }, identicalShare: 0.05 });
    expect(duplicates(many.operations)).toBeGreaterThan(300);
    expect(duplicates(many.activities)).toBeGreaterThan(300);
  });
});

describe('throughput', () => {
  it('generates a million records across days', () => {
    // Not timed on purpose: a timing assertion flakes on a busy CI machine.
    let total = 0;
    for (let d = 1; d <= 10; d++) {
      const day = `2026-01-${String(d).padStart(2, '0')}`;
      const out = generateDay({ seed: 3, day, volume: { activities: 70_000, operations: 30_000 } });
      total += out.activities.length + out.operations.length;
    }
    expect(total).toBe(1_000_000);
  }, 120_000);
});
