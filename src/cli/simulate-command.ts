import type { Command } from 'commander';
import { parseIntegerOption } from './option-parsers.js';

/** `zoomtrail simulate`: a simulated Zoom account on loopback, for trying things out and for tests by hand. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Run the Zoom simulator: a simulated Zoom account with both OAuth flows and both reports, on loopback.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parseIntegerOption('--port', 0, 65_535), 9900)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated records', parseIntegerOption('--seed', 0, 2 ** 31), 1)
    .option('--days <n>', 'days of history to generate, up to today', parseIntegerOption('--days', 1, 180), 30)
    .option('--no-live', 'do not add new records while running')
    .action(async (options: { port: number; host: string; seed: number; days: number; live: boolean }) => {
      const { startDemoSimulator } = await import('../zoom-sim/demo-simulator.js');
      const demo = await startDemoSimulator({ port: options.port, host: options.host, seed: options.seed, days: options.days, live: options.live });
      const { sim, s2s, oauthApp, accountId } = demo;
      const basic = `${s2s.clientId}:${s2s.clientSecret}`;
      const lines = [
        `Zoom simulator listening on ${sim.baseUrl}`,
        `  OAuth URL:  ${sim.baseUrl}     (token: ${sim.baseUrl}/oauth/token)`,
        `  API URL:    ${sim.apiUrl}`,
        '',
        'Server-to-Server OAuth app (simulator-only credentials):',
        `  Account ID:    ${accountId}`,
        `  Client ID:     ${s2s.clientId}`,
        `  Client Secret: ${s2s.clientSecret}`,
        '',
        'Account-level OAuth app (authorization code):',
        `  Client ID:     ${oauthApp.clientId}`,
        `  Client Secret: ${oauthApp.clientSecret}`,
        `  Redirect URLs: ${oauthApp.redirectUris.join(', ')}`,
        '',
        'Try it:',
        `  TOKEN=$(curl -s -u ${basic} -d grant_type=account_credentials -d account_id=${accountId} ${sim.baseUrl}/oauth/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
        `  curl -s -H "Authorization: Bearer $TOKEN" "${sim.apiUrl}/report/activities?from=$(date -u +%F)&to=$(date -u +%F)&page_size=300"`,
        `  curl -s -H "Authorization: Bearer $TOKEN" "${sim.apiUrl}/report/operationlogs?from=$(date -u +%F)&to=$(date -u +%F)&page_size=300"`,
        '  (add &next_page_token=... from a response to read the next page)',
        '',
        'Ctrl-C stops it.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const stop = () => {
        void demo.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
