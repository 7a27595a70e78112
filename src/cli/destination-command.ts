import { recordCliAudit } from './cli-audit.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import { DESTINATION_KINDS, type DestinationKind, type DestinationSettings } from '../domain/destination-settings.js';
import { destinationAddressProblem } from '../alert/destination-address-check.js';
import { DESTINATION_SENDERS, senderFor } from '../alert/destination-registry.js';
import { testNotification } from '../alert/test-notification.js';
import { SEVERITIES, type Severity } from '../domain/severity.js';
import type { DestinationRecord } from '../store/destination-store.js';
import { UnknownDestinationError } from '../store/store-errors.js';
import { EXIT, UsageError } from './exit-codes.js';
import { formatTable, withApp } from './with-app.js';
import { readSecretInput } from './secret-input.js';

interface AddOptions {
  name: string;
  kind: DestinationKind;
  url?: string;
  minSeverity?: Severity;
  rule?: string[];
  secretEnv?: string;
  secretStdin?: boolean;
}

function parseKind(value: string): DestinationKind {
  if (!(DESTINATION_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`--kind must be one of ${DESTINATION_KINDS.join(', ')}, not "${value}".`);
  return value as DestinationKind;
}

function parseSeverity(value: string): Severity {
  const upper = value.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) throw new InvalidArgumentError(`--min-severity must be one of ${SEVERITIES.join(', ')}, not "${value}".`);
  return upper as Severity;
}

export function registerDestinationCommand(program: Command): void {
  const destination = program.command('destination').description('Add, list, test, enable, disable and remove alert destinations.');

  destination
    .command('add')
    .description('Add an alert destination and print its id.')
    .requiredOption('--name <name>', 'a name to know the destination by')
    .requiredOption('--kind <kind>', DESTINATION_KINDS.join(', '), parseKind)
    .option('--url <url>', 'webhook: the receiver URL (required); pagerduty: the Events API v2 URL (optional)')
    .option('--min-severity <severity>', `send only alerts at or above this severity: ${SEVERITIES.join(', ')} (default INFO: all)`, parseSeverity)
    .option('--rule <id...>', 'send only alerts of these rules (system alerts always go)')
    .option('--secret-env <var>', 'read the secret from this environment variable')
    .option('--secret-stdin', 'read the secret from the first line of stdin')
    .addHelpText(
      'after',
      [
        '',
        'The secret is never taken as a flag value, so it stays out of shell history and the process list: name an environment',
        'variable holding it (--secret-env) or pipe it in (--secret-stdin). It is stored encrypted and never printed.',
        '',
        'Kinds and their secrets:',
        ...[...DESTINATION_SENDERS.values()].map((s) => `  ${s.kind.padEnd(10)} ${s.description}${s.needsSecret ? '' : ' No secret.'}`),
      ].join('\n'),
    )
    .action(async (options: AddOptions, command: Command) => {
      await withApp(command, async (app) => {
        if (options.secretEnv !== undefined && options.secretStdin) throw new UsageError('Give the secret through --secret-env or --secret-stdin, not both.');
        // The built-in rules load only here: the other commands (and `--help`) start without them.
        const { findRule } = options.rule === undefined ? { findRule: () => true } : await import('../rules/rule-registry.js');
        for (const id of options.rule ?? []) {
          if (!findRule(id)) throw new UsageError(`--rule: there is no rule "${id}"; \`zoomtrail rules list\` shows the rule ids.`);
        }
        const secret = await readSecretInput(options);
        const settings: DestinationSettings = {};
        if (options.url !== undefined) settings.url = options.url;
        if (options.minSeverity !== undefined) settings.minSeverity = options.minSeverity;
        if (options.rule && options.rule.length > 0) settings.ruleIds = options.rule;
        const sender = senderFor(options.kind);
        if (sender.needsSecret && secret === null) {
          throw new UsageError(`A ${options.kind} destination needs a secret: give it with --secret-env VAR or --secret-stdin (see \`zoomtrail destination add --help\`).`);
        }
        const problem = sender.validate(settings, secret);
        if (problem) throw new UsageError(`${problem}.`);
        const refused = destinationAddressProblem(options.kind, settings, secret, app.outbound.policy);
        if (refused) throw new UsageError(`${refused.message}.`);
        const created = await app.store.createDestination({ name: options.name, kind: options.kind, settings, enabled: true, secret });
        await recordCliAudit(app, { action: 'destinations.create', objectType: 'destinations', objectId: created.id, after: created });
        process.stdout.write(`${created.id}\n`);
        process.stderr.write(`Added ${created.kind} destination "${created.name}" (${created.id}); \`zoomtrail destination test ${created.name}\` sends it a test alert.\n`);
      });
    });

  destination
    .command('list')
    .description('List the destinations (never their secrets).')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (options: { format: string }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.format !== 'table' && options.format !== 'ndjson') throw new UsageError(`--format must be table or ndjson, not "${options.format}".`);
        const list = await app.store.listDestinations();
        if (options.format === 'ndjson') {
          for (const d of list)
            process.stdout.write(
              `${JSON.stringify({ id: d.id, name: d.name, kind: d.kind, enabled: d.enabled, settings: d.settings, hasSecret: d.hasSecret, createdAt: d.createdAt, updatedAt: d.updatedAt })}\n`,
            );
          return;
        }
        if (list.length === 0) {
          process.stdout.write('No destinations yet. Add one with `zoomtrail destination add --help`.\n');
          return;
        }
        const rows = list.map((d) => [
          d.id,
          d.name,
          d.kind,
          d.enabled ? 'yes' : 'no',
          d.settings.minSeverity ?? 'INFO',
          d.settings.ruleIds?.join(',') || 'all',
          shownUrl(d),
          d.hasSecret ? 'yes' : 'no',
        ]);
        process.stdout.write(formatTable(['ID', 'NAME', 'KIND', 'ENABLED', 'MIN SEVERITY', 'RULES', 'URL', 'SECRET SET'], rows));
      });
    });

  destination
    .command('test')
    .description(
      'Send a test alert to a destination right away (not through the outbox); prints "delivered: <what the destination answered>" and exits 0, or "FAILED: ..." and exits 4.',
    )
    .argument('<destination>', 'destination name or id')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const d = await existing(app, idOrName);
        const secret = await app.store.getDestinationSecret(d.id);
        const now = app.clock.now();
        const notification = testNotification(now, { from: 'cli' });
        const result = await senderFor(d.kind).send(notification, d.settings, secret, { fetch: app.outbound.fetch, clock: app.clock, logger: app.logger });
        if (result.ok) {
          process.stdout.write(`delivered: ${result.message}\n`);
          return EXIT.ok;
        }
        process.stdout.write(`FAILED: ${result.message}\n`);
        return EXIT.zoomUnavailable;
      });
    });

  destination
    .command('remove')
    .description('Remove a destination with its pending deliveries (the delivery log stays).')
    .argument('<destination>', 'destination name or id')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const d = await existing(app, idOrName);
        if (!(await app.store.removeDestination(d.id))) throw new UnknownDestinationError(idOrName);
        await recordCliAudit(app, { action: 'destinations.delete', objectType: 'destinations', objectId: d.id, before: d });
        process.stderr.write(`Removed destination "${d.name}" (${d.id}).\n`);
      });
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    destination
      .command(name)
      .description(`${enabled ? 'Enable' : 'Disable'} a destination: new alerts are ${enabled ? '' : 'no longer '}sent to it.`)
      .argument('<destination>', 'destination name or id')
      .action(async (idOrName: string, _options: unknown, command: Command) => {
        await withApp(command, async (app) => {
          const d = await existing(app, idOrName);
          const after = await app.store.updateDestination(d.id, { enabled });
          await recordCliAudit(app, { action: 'destinations.update', objectType: 'destinations', objectId: d.id, before: d, after, change: { enabled } });
          process.stderr.write(`Destination "${d.name}" is now ${enabled ? 'enabled' : 'disabled'}.\n`);
        });
      });
  }
}

async function existing(app: AppContext, idOrName: string): Promise<DestinationRecord> {
  const d = await app.store.getDestination(idOrName);
  if (!d) throw new UnknownDestinationError(idOrName);
  return d;
}

/** The URL worth showing: a webhook's or PagerDuty's; a Slack URL is the secret. */
function shownUrl(d: DestinationRecord): string {
  switch (d.kind) {
    case 'webhook':
      return d.settings.url ?? '-';
    case 'pagerduty':
      return d.settings.url ?? '(PagerDuty default)';
    case 'slack':
      return '(secret URL)';
    default:
      return '-';
  }
}
