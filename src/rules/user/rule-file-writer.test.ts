import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addRuleFile, RuleFileExistsError } from './rule-file-writer.js';

describe('addRuleFile', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  it('creates the directory and the file, leaves no temporary file, and never replaces a file', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-rule-file-'));
    const dir = path.join(root, 'rules');
    const file = await addRuleFile(dir, 'search-x.yml', 'RuleID: A\n');
    expect(file).toBe(path.join(dir, 'search-x.yml'));
    expect(readFileSync(file, 'utf8')).toBe('RuleID: A\n');
    await expect(addRuleFile(dir, 'search-x.yml', 'RuleID: B\n')).rejects.toBeInstanceOf(RuleFileExistsError);
    expect(readFileSync(file, 'utf8')).toBe('RuleID: A\n');
    expect(readdirSync(dir)).toEqual(['search-x.yml']);
    await expect(addRuleFile(dir, '../escape.yml', 'x')).rejects.toThrow(/plain file name/);
  });
});
