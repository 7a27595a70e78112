import { createHash } from 'node:crypto';
import { watch as watchDir, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Rule } from '../../detect/rule.js';
import { RuleGuard } from '../../detect/rule-guard.js';
import type { Clock } from '../../shared/clock.js';
import { RULES } from '../rule-registry.js';
import { formatRuleLoadError, type RuleLoadError } from './rule-load-error.js';

/** File endings the rules directory loads: YAML simple detections and JS/TS modules. */
export const RULE_FILE = /\.(ya?ml|m?js|ts)$/;

/** A loaded user rule and the file it came from. */
export interface UserRule {
  rule: Rule;
  file: string;
}

export interface UserRuleSetOptions {
  /** The rules directory; a missing directory is an empty rule set. */
  dir: string;
  guard?: RuleGuard;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** The built-in rules (ids a user rule may not take). */
  builtIn?: readonly Rule[];
}

/**
 * The rules of the rules directory (ZOOMTRAIL_RULES_DIR) next to the
 * built-in ones. `load` scans the directory (and its subdirectories) and
 * loads every `.yml`/`.yaml`/`.js`/`.mjs`/`.ts` file, except names starting
 * with `_` or `.` (helpers a rule imports) and `.d.ts`; a file that fails is
 * a RuleLoadError and nothing else of it is used; the other rules load.
 * A reload builds the whole new set first and then swaps it in, so a
 * detection batch sees the old set or the new one, never half of each.
 */
export class UserRuleSet {
  readonly dir: string;
  readonly guard: RuleGuard;
  readonly #o: UserRuleSetOptions;
  #rules: readonly UserRule[] = [];
  #errors: readonly RuleLoadError[] = [];
  #all: readonly Rule[];
  #fingerprint = '';
  #digest = '';
  #hashes = new Map<string, string>();
  #loadedAt: number | undefined;

  constructor(options: UserRuleSetOptions) {
    this.#o = options;
    this.dir = options.dir;
    this.guard = options.guard ?? new RuleGuard();
    this.#all = options.builtIn ?? RULES;
  }

  /** Built-in rules, then user rules (file order). Cheap: a field read. */
  readonly all = (): readonly Rule[] => this.#all;

  get userRules(): readonly UserRule[] {
    return this.#rules;
  }

  get errors(): readonly RuleLoadError[] {
    return this.#errors;
  }

  /** SHA-256 of the loaded files (relative path and content), the same on every instance with the same directory. */
  get digest(): string {
    return this.#digest;
  }

  /** The file a user rule came from; undefined for a built-in rule. */
  fileOf(ruleId: string): string | undefined {
    return this.#rules.find((r) => r.rule.meta.id === ruleId)?.file;
  }

  find(ruleId: string): Rule | undefined {
    return this.#all.find((r) => r.meta.id === ruleId);
  }

  /**
   * Scans the directory; loads it again when a file was added, removed or
   * changed since the last load (or always, with `force`). Returns whether it
   * reloaded.
   */
  async load(force = false, reason = 'scan'): Promise<boolean> {
    const files = await listRuleFiles(this.dir);
    const stats = await Promise.all(
      files.map((f) =>
        stat(f).then(
          (s) => `${f}\0${s.size}\0${s.mtimeMs}`,
          () => `${f}\0gone`,
        ),
      ),
    );
    const fingerprint = stats.join('\n');
    if (!force && this.#loadedAt !== undefined && fingerprint === this.#fingerprint) return false;

    const builtIn = this.#o.builtIn ?? RULES;
    const taken = new Map<string, string>(builtIn.map((r) => [r.meta.id, 'a built-in rule']));
    const rules: UserRule[] = [];
    const errors: RuleLoadError[] = [];
    const digest = createHash('sha256');
    const hashes = new Map<string, string>();
    for (const file of await listAllFiles(this.dir)) {
      const text = await readFile(file).catch(() => undefined);
      if (text === undefined) continue;
      digest.update(`${path.relative(this.dir, file)}\0${text.length}\0`).update(text);
      hashes.set(file, createHash('sha256').update(text).digest('hex'));
    }
    for (const file of files) {
      const loaded = await loadRuleFile(file);
      if ('errors' in loaded) {
        errors.push(...loaded.errors);
        continue;
      }
      const fresh: UserRule[] = [];
      const clashes: RuleLoadError[] = [];
      for (const rule of loaded.rules) {
        const owner = taken.get(rule.meta.id);
        if (owner !== undefined) {
          clashes.push({
            file,
            field: 'RuleID',
            message: `rule id ${rule.meta.id} is already used by ${owner}`,
            fix: 'give this rule its own id (e.g. prefix it with your organization: Acme.Zoom...)',
          });
          continue;
        }
        fresh.push({ rule, file });
      }
      if (clashes.length > 0) {
        errors.push(...clashes);
        continue;
      }
      for (const r of fresh) {
        taken.set(r.rule.meta.id, r.file);
        if (this.#hashes.get(file) !== hashes.get(file)) this.guard.reset(r.rule.meta.id);
        rules.push({ rule: this.guard.wrap(r.rule), file });
      }
    }
    this.#rules = rules;
    this.#errors = errors;
    this.#all = [...builtIn, ...rules.map((r) => r.rule)];
    this.#fingerprint = fingerprint;
    this.#digest = digest.digest('hex');
    this.#hashes = hashes;
    this.#loadedAt = Date.now();
    this.#o.logger?.info(
      { dir: this.dir, rules: rules.length, loadErrors: errors.length, digest: this.#digest.slice(0, 12), reason },
      `rules directory loaded (${reason}): ${rules.length} user rule(s), ${errors.length} load error(s)`,
    );
    for (const error of errors) this.#o.logger?.warn({ file: error.file, line: error.line, field: error.field }, `rule load error: ${formatRuleLoadError(error)}`);
    return true;
  }

  /**
   * Reloads on change until `signal` aborts: the directory is watched
   * (fs.watch, recursive) and a change reloads `debounceMs` after the last
   * event of a burst (an editor's save is several events); every `intervalMs`
   * (default 5 s) it is also scanned, which catches what a watch misses (a
   * directory created later, a network filesystem). Either way `load` reloads
   * only when a file was added, removed or changed, and swaps in the whole new
   * set at once.
   */
  async watch(signal: AbortSignal, clock: Clock, intervalMs = 5000, debounceMs = 300): Promise<void> {
    let changed = false;
    let wake: (() => void) | undefined;
    let watcher: FSWatcher | undefined;
    const open = () => {
      if (watcher) return;
      try {
        watcher = watchDir(this.dir, { recursive: true }, () => {
          changed = true;
          wake?.();
        });
        watcher.on('error', () => {
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        watcher = undefined; // no directory (yet): the scan below covers it
      }
    };
    open();
    try {
      while (!signal.aborted) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        await Promise.race([clock.sleep(intervalMs, signal).catch(() => undefined), woken]);
        if (signal.aborted) break;
        let reason = 'scan';
        if (changed) {
          // Let the burst settle: every event of it restarts the wait.
          do {
            changed = false;
            await clock.sleep(debounceMs, signal).catch(() => undefined);
          } while (changed && !signal.aborted);
          reason = 'file change';
        }
        await this.load(false, reason).catch((error: unknown) => this.#o.logger?.warn({ err: error }, 'rules directory scan failed; retrying'));
        open();
      }
    } finally {
      watcher?.close();
    }
  }
}

/** One file as rules, or its load errors; never throws. */
export async function loadRuleFile(file: string): Promise<{ rules: Rule[] } | { errors: RuleLoadError[] }> {
  try {
    if (/\.ya?ml$/.test(file)) {
      const [{ parseYamlRule }, text] = await Promise.all([import('./yaml-rule.js'), readFile(file, 'utf8')]);
      const parsed = parseYamlRule(text, file);
      return 'rule' in parsed ? { rules: [parsed.rule] } : parsed;
    }
    const { loadCodeRule } = await import('./code-rule.js');
    return await loadCodeRule(file);
  } catch (error) {
    return { errors: [{ file, message: `could not be read: ${error instanceof Error ? error.message : String(error)}`, fix: 'check the file exists and Zoomtrail may read it' }] };
  }
}

/** The rule files of a directory, sorted; none when it does not exist. */
export async function listRuleFiles(dir: string): Promise<string[]> {
  return (await listAllFiles(dir)).filter((file) => {
    const base = path.basename(file);
    return RULE_FILE.test(base) && !base.endsWith('.d.ts') && !base.startsWith('_') && !base.startsWith('.');
  });
}

async function listAllFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !(e.parentPath ?? dir).split(path.sep).some((part) => part === 'node_modules'))
    .map((e) => path.join(e.parentPath ?? dir, e.name))
    .sort();
}
