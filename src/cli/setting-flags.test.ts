import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { settingFlags } from './setting-flags.js';

/** The flags settingFlags reads when `argv` runs on a small program shaped like zoomtrail's. */
function flagsOf(argv: string[]): Record<string, unknown> {
  let seen: Record<string, unknown> = {};
  const program = new Command('zoomtrail').exitOverride().option('--data-dir <dir>').option('--config <file>');
  const capture = (_options: unknown, command: Command) => void (seen = settingFlags(command));
  program.command('start').option('--port <port>', '', Number).option('--host <host>').action(capture);
  program.command('simulate').option('--port <port>', '', Number).action(capture);
  program.command('source').command('add').option('--client-secret <secret>').option('--account-id <id>').action(capture);
  program.parse(argv, { from: 'user' });
  return seen;
}

describe('settingFlags', () => {
  it("takes global flags everywhere and a command's own flags only where its definition names that command", () => {
    expect(flagsOf(['start', '--port', '9000', '--host', '0.0.0.0', '--data-dir', 'd'])).toEqual({ port: 9000, host: '0.0.0.0', dataDir: 'd' });
    // The simulator's --port is its own, not the console's ZOOMTRAIL_PORT.
    expect(flagsOf(['simulate', '--port', '9900', '--config', 'z.yml'])).toEqual({ config: 'z.yml' });
    // source add takes the Client Secret setting, but its --account-id is not ZOOMTRAIL_ACCOUNT_ID (pull's is).
    expect(flagsOf(['source', 'add', '--client-secret', 's', '--account-id', 'a'])).toEqual({ clientSecret: 's' });
  });
});
