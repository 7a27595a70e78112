import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SINK_KINDS } from '../src/forward/sink.js';
import { CLOCK_START, runCli } from './support/cli-child.js';

/**
 * The README's "Send to your SIEM" examples are real: one `zoomtrail sink add`
 * per sink kind, each run as written (with the `export`s of its section) by
 * the built CLI on an empty data directory, and accepted. Nothing is sent:
 * `sink add` only checks and saves.
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const KEY = '4e'.repeat(32);

/** The section's shell blocks, continuation lines joined, comments dropped. */
function sectionCommands(): string[] {
  const start = README.indexOf('\n## Send to your SIEM\n');
  expect(start).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Shell words: spaces separate, single or double quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** `export NAME=value` lines; a command substitution (`$(openssl rand ...)`) becomes a fixed value. */
function exportsOf(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.includes('$(') ? 'readme-example-secret-0123456789abcdef' : words(m[2]!)[0]!;
  }
  return env;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-readme-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('README: Send to your SIEM', () => {
  const lines = sectionCommands();
  const adds = lines.filter((l) => l.startsWith('zoomtrail sink add ')).map((l) => words(l).slice(1));
  const kindOf = (args: string[]) => args[args.indexOf('--kind') + 1];

  it('has one worked `sink add` example per sink kind', () => {
    expect(adds.map(kindOf).sort()).toEqual([...SINK_KINDS].sort());
  });

  it('every example is accepted by the CLI as written', async () => {
    // Loopback and private networks are allowed only where the README says so (its exports).
    const env = { ZOOMTRAIL_SECRET_KEY: KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START, ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_ALLOWED_NETWORKS: undefined, ...exportsOf(lines) };
    for (const args of adds) {
      const result = await runCli([...args, '--data-dir', dataDir], env, { cwd: dataDir, timeoutMs: 60_000 });
      expect({ example: args.join(' '), code: result.code, error: /error/i.test(result.stderr) ? result.stderr.trim() : '' }).toEqual({
        example: args.join(' '),
        code: 0,
        error: '',
      });
      expect(result.stderr).toContain(`Added ${kindOf(args)} sink`);
    }
    const list = await runCli(['sink', 'list', '--data-dir', dataDir], env, { cwd: dataDir, timeoutMs: 60_000 });
    for (const args of adds) expect(list.stdout).toMatch(new RegExp(`${args[args.indexOf('--name') + 1]}\\s+${kindOf(args)}`));
  });

  it('every other `zoomtrail sink` command it shows exists', async () => {
    const help = await runCli(['sink', '--help'], { ZOOMTRAIL_SECRET_KEY: KEY }, { cwd: dataDir, timeoutMs: 60_000 });
    const commands = new Set([...help.stdout.matchAll(/^\s{2}([a-z-]+) /gm)].map((m) => m[1]));
    for (const line of lines.filter((l) => l.startsWith('zoomtrail sink '))) expect(commands, line).toContain(words(line)[2]);
  });
});
