import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_SETTING_YAML } from '../rules/user/user-rule-fixtures.test-support.js';
import { UserRuleSet } from '../rules/user/user-rule-set.js';
import type { RuleSetReport, RuleSetStore } from '../store/rule-tuning-store.js';
import { reloadOnSighup } from './rule-set-reporter.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zoomtrail-sighup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reload on SIGHUP (what `zoomtrail rules reload` sends)', () => {
  it('reloads the rules directory at once, logged, and reports the new digest', async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push((JSON.parse(line) as { msg: string }).msg) });
    const set = new UserRuleSet({ dir, logger });
    await set.load();
    const reports: Omit<RuleSetReport, 'seenAt'>[] = [];
    const store: RuleSetStore = { reportRuleSet: async (r) => void reports.push(r), listRuleSets: async () => [] };
    const stop = reloadOnSighup({ store, rules: set, owner: 'me/1/x', logger });
    try {
      await writeFile(path.join(dir, 'a.yml'), ADMIN_SETTING_YAML);
      process.kill(process.pid, 'SIGHUP');
      for (let i = 0; i < 250 && reports.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(set.userRules).toHaveLength(1);
      expect(reports).toEqual([{ owner: 'me/1/x', digest: set.digest, userRules: 1, loadErrors: 0 }]);
      expect(logs).toContain('rules directory loaded (SIGHUP): 1 user rule(s), 0 load error(s)');
    } finally {
      stop();
    }
  });
});
