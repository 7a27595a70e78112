import { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { registerPullCommand } from './pull-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { registerStartCommand } from './start-command.js';

/** Builds the `zoomtrail` command line; every command is registered in this one list. */
export function buildProgram(): Command {
  const program = new Command('zoomtrail')
    .description('Collects Zoom audit logs (Sign In/Sign Out and Operation Logs), proves them complete, and detects what matters.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride((error) => {
      // commander's own exits: help and version keep 0, a bad invocation is a usage error.
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });
  registerStartCommand(program);
  registerSimulateCommand(program);
  registerPullCommand(program);
  return program;
}
