import { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { registerAdminCommand } from './admin-command.js';
import { registerAlertsCommand } from './alerts-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerDestinationCommand } from './destination-command.js';
import { registerSinkCommand } from './sink-command.js';
import { registerEventsCommand } from './events-command.js';
import { registerFailuresCommand } from './failures-command.js';
import { registerHealthCommand } from './health-command.js';
import { registerPollCommand } from './poll-command.js';
import { registerPullCommand } from './pull-command.js';
import { registerRulesCommand } from './rules-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { registerSourceCommand } from './source-command.js';
import { registerStartCommand } from './start-command.js';
import { registerUsersCommand } from './users-command.js';
import { registerAuditCommand } from './audit-command.js';

/** Builds the `zoomtrail` command line; every command is registered in this one list. */
export function buildProgram(): Command {
  const program = new Command('zoomtrail')
    .description('Collects Zoom audit logs (Sign In/Sign Out and Operation Logs), proves them complete, and detects what matters.')
    .version('0.1.0')
    .option('--data-dir <dir>', 'directory of the SQLite database and secret key (or ZOOMTRAIL_DATA_DIR)', undefined)
    .option('--config <file>', 'YAML config file (or ZOOMTRAIL_CONFIG; ./zoomtrail.yml is read if present)')
    .option('--rules-dir <dir>', 'directory of your own rules (or ZOOMTRAIL_RULES_DIR; default rules/ beside the data directory)')
    .addHelpText(
      'after',
      '\nEnvironment: DATABASE_URL, ZOOMTRAIL_DATA_DIR, ZOOMTRAIL_SECRET_KEY (64 hex chars; else data/secret.key), ZOOMTRAIL_LOG_LEVEL.\nExit codes: 0 ok, 1 unexpected, 2 bad usage or configuration, 3 Zoom refused (credentials, scope, plan), 4 Zoom unavailable or rate limited.',
    )
    .showHelpAfterError()
    .exitOverride((error) => {
      // commander's own exits: help and version keep 0, a bad invocation is a usage error.
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });
  registerStartCommand(program);
  registerRunCommand(program);
  registerSourceCommand(program);
  registerHealthCommand(program);
  registerPollCommand(program);
  registerEventsCommand(program);
  registerFailuresCommand(program);
  registerPullCommand(program);
  registerSimulateCommand(program);
  registerRulesCommand(program);
  registerAlertsCommand(program);
  registerDestinationCommand(program);
  registerSinkCommand(program);
  registerAdminCommand(program);
  registerUsersCommand(program);
  registerAuditCommand(program);
  registerConfigCommand(program);
  return program;
}
