import { InvalidArgumentError, type Command } from 'commander';
import type { DemoSimulator } from '../zoom-sim/demo-simulator.js';
import { DEMO_REDIRECT_URIS } from '../zoom-sim/demo-redirect-uris.js';
import { EXIT, reportError } from './exit-codes.js';
import { listenError } from './listen-error.js';
import { parseIntegerOption } from './option-parsers.js';

/**
 * `--redirect-uri`, repeatable and comma-separated: each an http(s) URL,
 * collected in order.
 */
export function collectRedirectUris(value: string, previous: string[] | undefined): string[] {
  const uris = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const uri of uris) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash) {
      throw new InvalidArgumentError(`--redirect-uri must be an http(s) URL such as http://localhost:8080/oauth/callback, not "${uri}".`);
    }
  }
  return [...(previous ?? []), ...uris];
}

/** `zoomtrail simulate`: a simulated Zoom account on loopback, for trying things out and for tests by hand. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Run the Zoom simulator: a simulated Zoom account with both OAuth flows and both reports, on loopback.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parseIntegerOption('--port', 0, 65_535), 9900)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated records', parseIntegerOption('--seed', 0, 2 ** 31), 1)
    .option(
      '--days <n>',
      'days of history to generate, up to today (80 or more also plants the sign-in scenarios: travellers, a dormant account, a burst, shared IPs)',
      parseIntegerOption('--days', 1, 180),
      30,
    )
    .option('--no-live', 'do not add new records while running')
    .option(
      '--redirect-uri <url>',
      `a Redirect URL of the account-level OAuth app: Zoomtrail's <public URL>/oauth/callback; repeat it or separate with commas (default: ${DEMO_REDIRECT_URIS.join(', ')})`,
      collectRedirectUris,
    )
    .action(async (options: { port: number; host: string; seed: number; days: number; live: boolean; redirectUri?: string[] }) => {
      // The simulator (Fastify) loads only when the command runs.
      const { startDemoSimulator } = await import('../zoom-sim/demo-simulator.js');
      let demo: DemoSimulator;
      try {
        demo = await startDemoSimulator({
          port: options.port,
          host: options.host,
          seed: options.seed,
          days: options.days,
          live: options.live,
          ...(options.redirectUri ? { redirectUris: options.redirectUri } : {}),
        });
      } catch (error) {
        process.exitCode = reportError(
          listenError(error, {
            what: 'the Zoom simulator',
            host: options.host,
            port: options.port,
            portFlag: '--port',
            hostFlag: '--host',
            likelyHolder: 'another `zoomtrail simulate` or `zoomtrail start --demo`',
          }),
        );
        return;
      }
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
        `  Redirect URLs: ${oauthApp.redirectUris.join(', ')}   (--redirect-uri to register others)`,
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
        void demo.stop().then(() => process.exit(EXIT.ok));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
