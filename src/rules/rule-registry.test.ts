import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../domain/severity.js';
import { STORED_LOG_TYPES } from '../zoom/report-records.js';
import { RULES, findRule, ruleFilePath } from './rule-registry.js';

const repoRoot = new URL('../../', import.meta.url);

describe('rule registry', () => {
  it('lists twenty rules with unique ids', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('maps ids to files', () => {
    expect(ruleFilePath('Zoom.All.Meetings.Secured.With.One.Option.Disabled')).toBe('src/rules/zoom/all-meetings-secured-with-one-option-disabled.ts');
    expect(ruleFilePath('Zoom.PasscodeDisabled')).toBe('src/rules/zoom/passcode-disabled.ts');
    expect(ruleFilePath('Zoomtrail.SourceCredentialsChanged')).toBe('src/rules/zoomtrail/source-credentials-changed.ts');
    expect(ruleFilePath('Zoom.Sign.In.Method.Modified')).toBe('src/rules/zoom/sign-in-method-modified.ts');
    expect(ruleFilePath('Zoom.User.Promoted.to.Privileged.Role')).toBe('src/rules/zoom/user-promoted-to-privileged-role.ts');
    expect(ruleFilePath('Standard.NewUserAccountCreated')).toBe('src/rules/standard/new-user-account-created.ts');
    expect(ruleFilePath('Zoom.SignIn.ImpossibleTravel')).toBe('src/rules/zoom/sign-in-impossible-travel.ts');
    expect(ruleFilePath('Zoom.SignIn.NewAsn')).toBe('src/rules/zoom/sign-in-new-asn.ts');
    expect(() => ruleFilePath('Okta.Something')).toThrow();
  });

  it('finds rules by id', () => {
    for (const rule of RULES) expect(findRule(rule.meta.id)).toBe(rule);
    expect(findRule('Zoom.Nope')).toBeUndefined();
  });

  describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
    it('lives in the file its id names, which exports it', async () => {
      const path = ruleFilePath(id);
      const url = new URL(path, repoRoot);
      expect(existsSync(url)).toBe(true);
      const mod = (await import(url.href)) as Record<string, unknown>;
      expect(Object.values(mod)).toContain(rule);
    });

    it('has a test file next to it', () => {
      expect(existsSync(new URL(ruleFilePath(id).replace(/\.ts$/, '.test.ts'), repoRoot))).toBe(true);
    });

    it('has positive and negative tests with unique names', () => {
      expect(rule.tests.some((t) => t.expectMatch)).toBe(true);
      expect(rule.tests.some((t) => !t.expectMatch)).toBe(true);
      const names = rule.tests.map((t) => t.name);
      expect(new Set(names).size).toBe(names.length);
    });

    it('has sane metadata', () => {
      const m = rule.meta;
      expect(SEVERITIES).toContain(m.severity);
      expect(m.dedupPeriodMinutes).toBeGreaterThan(0);
      expect(m.threshold).toBeGreaterThanOrEqual(1);
      expect(m.logTypes.length).toBeGreaterThan(0);
      for (const t of m.logTypes) expect(STORED_LOG_TYPES).toContain(t);
      expect(m.displayName).not.toBe('');
      expect(m.description).not.toBe('');
      expect(m.runbook).not.toBe('');
      expect(m.reference).toMatch(/^https:\/\//);
      for (const mitre of m.mitre) expect(mitre).toMatch(/^TA\d{4}:T\d{4}(\.\d{3})?(,T\d{4}(\.\d{3})?)*$/);
      expect(m.enabled).toBe(true);
    });
  });
});
