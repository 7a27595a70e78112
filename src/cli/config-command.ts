import type { Command } from 'commander';

/** `zoomtrail config`: the effective settings and where each came from; its implementation loads only when run. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description("Print every setting's effective value and its source (flag, env, file or default); secrets are hidden.")
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { runConfigCommand } = await import('./config-report.js');
      runConfigCommand(options, command);
    });
}
