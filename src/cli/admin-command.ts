import type { Command } from 'commander';
import { UsageError } from './exit-codes.js';
import { withApp } from './with-app.js';

/**
 * `zoomtrail admin create`: a fresh one-time setup link for another admin
 * (works whether or not users exist), or, with `--username U --password-stdin`,
 * the user itself (the password read from standard input, never from argv).
 */
export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description("Manage the console's admin accounts.");
  admin
    .command('create')
    .description('Print a one-time link (valid 24 h) to create an admin account; or create it directly with --username and --password-stdin.')
    .option('--username <name>', 'create this user directly (with --password-stdin)')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .action(async (options: { username?: string; passwordStdin?: boolean }, command: Command) => {
      await withApp(command, async (app) => {
        if (options.username === undefined && !options.passwordStdin) {
          const { createSetupLink } = await import('../api/setup-link.js');
          // A set public URL wins; otherwise the address a running (or the last) `zoomtrail start` served at, whatever its port.
          const publicUrl = app.config.publicUrlIsSet ? app.config.publicUrl : ((await app.store.servedUrl()) ?? app.config.publicUrl);
          const link = await createSetupLink(app.store, app.clock, publicUrl);
          process.stdout.write(`${link}\n`);
          process.stderr.write('Open this link to create an admin account (valid 24 hours, usable once).\n');
          return;
        }
        if (options.username === undefined || !options.passwordStdin) throw new UsageError('--username and --password-stdin go together.');
        if (!/^[A-Za-z0-9._@-]{1,64}$/.test(options.username)) {
          throw new UsageError('--username must be 1 to 64 letters, digits, dots, dashes, underscores or @.');
        }
        const { hashPassword, MIN_PASSWORD_LENGTH } = await import('../api/auth-session.js');
        const password = (await readStdin()).split(/\r?\n/)[0] ?? '';
        if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
        const user = await app.store.createUser({ username: options.username, passwordHash: await hashPassword(password) });
        process.stderr.write(`Created the admin account "${user.username}".\n`);
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
