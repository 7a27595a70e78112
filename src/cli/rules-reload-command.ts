import os from 'node:os';
import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { withApp } from './with-app.js';

/**
 * `zoomtrail rules reload`: sends SIGHUP to the running Zoomtrail processes of
 * this host (found by the rule-set digests they report to the store), which
 * reload their rules directory at once. Instances on other hosts are listed:
 * they reload on their own when their directory changes (or run this there).
 */
export function registerRulesReloadCommand(rules: Command): void {
  rules
    .command('reload')
    .description(
      'Make the running Zoomtrail processes of this host reload the rules directory now (SIGHUP; `kill -HUP <pid>` does the same). ' +
        'They also reload by themselves within moments of a change; a file that fails to load is a load error and the other rules reload.',
    )
    .action(async (_options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const [{ RULE_SET_REPORT_MS }] = await Promise.all([import('../health/rule-set-health.js')]);
        const live = await app.store.listRuleSets(app.clock.now() - 2 * RULE_SET_REPORT_MS);
        const host = os.hostname();
        let signalled = 0;
        for (const instance of live) {
          const [owner, pidText] = instance.owner.split('/');
          const pid = Number(pidText);
          if (owner !== host || !Number.isInteger(pid) || pid <= 0) {
            process.stderr.write(`${instance.owner}: on another host; it reloads when its rules directory changes (or run \`zoomtrail rules reload\` there)\n`);
            continue;
          }
          try {
            process.kill(pid, 'SIGHUP');
            signalled++;
            process.stderr.write(`${instance.owner}: asked to reload (SIGHUP to pid ${pid}); see its log for "rules directory loaded (SIGHUP)"\n`);
          } catch (error) {
            process.stderr.write(`${instance.owner}: not signalled: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
          }
        }
        if (signalled === 0) {
          process.stderr.write('No running Zoomtrail process on this host reported its rules recently; start one with `zoomtrail start` or `zoomtrail run`.\n');
          return EXIT.unexpected;
        }
      });
    });
}
