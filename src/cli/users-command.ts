import type { Command } from 'commander';
import { recordCliAudit } from './cli-audit.js';
import type { AppContext } from '../app/app-context.js';
import { isRole, ROLES, type Role } from '../domain/access-scope.js';
import type { UserChange, UserRecord } from '../store/auth-store.js';
import { UsageError } from './exit-codes.js';
import { formatTable, withApp } from './with-app.js';

/**
 * `zoomtrail users ...`: the console's users, on the server's store (as `admin create`): list, invite with a role
 * (a one-time link), set a role, disable or enable, a password-reset link, end every session. The last enabled
 * admin is never demoted or disabled (exit 2).
 */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description("Manage the console's users and their roles (admin, analyst, viewer).");

  users
    .command('list')
    .description('Every user, with role and state.')
    .option('--json', 'one JSON object per line')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withApp(command, async (app) => {
        const all = await app.store.listUsers();
        if (options.json) {
          for (const u of all)
            process.stdout.write(
              `${JSON.stringify({ id: u.id, username: u.username, role: u.role, createdAt: iso(u.createdAt), disabledAt: u.disabledAt === null ? null : iso(u.disabledAt) })}\n`,
            );
          return;
        }
        process.stdout.write(
          formatTable(
            ['USERNAME', 'ROLE', 'STATE', 'CREATED'],
            all.map((u) => [u.username, u.role, u.disabledAt === null ? 'enabled' : 'disabled', iso(u.createdAt)]),
          ),
        );
      });
    });

  users
    .command('invite')
    .description('Print a one-time link (valid 24 h) with which someone creates their account with this role.')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .action(async (options: { role: string }, command: Command) => {
      const role = parseRole(options.role);
      await withApp(command, async (app) => {
        process.stdout.write(`${await oneTimeLink(app, { kind: 'invite', role })}\n`);
        await audit(app, 'users.invitations', null, null, { role });
        process.stderr.write(`Send this link to the new ${role} (valid 24 hours, usable once).\n`);
      });
    });

  users
    .command('set-role <username> <role>')
    .description("Change a user's role.")
    .action(async (username: string, role: string, _options: unknown, command: Command) => {
      const parsed = parseRole(role);
      await change(command, username, { role: parsed }, (u) => `"${u.username}" is now ${u.role}.`);
    });

  users
    .command('disable <username>')
    .description('Disable a user: their sessions end, sign-in and their API tokens stop working.')
    .action(async (username: string, _options: unknown, command: Command) => {
      await change(command, username, { disabled: true }, (u) => `"${u.username}" is disabled.`);
    });

  users
    .command('enable <username>')
    .description('Enable a disabled user again.')
    .action(async (username: string, _options: unknown, command: Command) => {
      await change(command, username, { disabled: false }, (u) => `"${u.username}" is enabled.`);
    });

  users
    .command('reset-password <username>')
    .description('Print a one-time link (valid 24 h) with which this user sets a new password.')
    .action(async (username: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const user = await load(app, username);
        process.stdout.write(`${await oneTimeLink(app, { kind: 'reset', userId: user.id })}\n`);
        await audit(app, 'users.password-reset', user, user, null);
        process.stderr.write(`Send this link to "${user.username}" (valid 24 hours, usable once; their sessions end when they use it).\n`);
      });
    });

  users
    .command('end-sessions <username>')
    .description('Sign a user out everywhere.')
    .action(async (username: string, _options: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const user = await load(app, username);
        const ended = await app.store.deleteSessionsOfUser(user.id);
        await audit(app, 'users.sessions.delete', user, user, { ended });
        process.stderr.write(`Ended ${ended} session${ended === 1 ? '' : 's'} of "${user.username}".\n`);
      });
    });
}

function parseRole(value: string): Role {
  if (!isRole(value)) throw new UsageError(`Unknown role "${value}": use one of ${ROLES.join(', ')}.`);
  return value;
}

async function load(app: AppContext, username: string): Promise<UserRecord> {
  const user = await app.store.findUserByUsername(username);
  if (!user) throw new UsageError(`There is no user named "${username}" (see \`zoomtrail users list\`).`);
  return user;
}

async function change(command: Command, username: string, change: UserChange, done: (user: UserRecord) => string): Promise<void> {
  await withApp(command, async (app) => {
    const user = await load(app, username);
    const changed = await app.store.updateUser(user.id, change);
    if (!changed) throw new UsageError(`There is no user named "${username}".`);
    if (changed.disabledAt !== null) await app.store.deleteSessionsOfUser(changed.id);
    await audit(app, 'users.update', user, changed, change);
    process.stderr.write(`${done(changed)}\n`);
  });
}

async function oneTimeLink(app: AppContext, purpose: Parameters<typeof import('../api/setup-link.js').createSetupLink>[3]): Promise<string> {
  const { createSetupLink } = await import('../api/setup-link.js');
  // A set public URL wins; otherwise the address a running (or the last) `zoomtrail start` served at.
  const publicUrl = app.config.publicUrlIsSet ? app.config.publicUrl : ((await app.store.servedUrl()) ?? app.config.publicUrl);
  return createSetupLink(app.store, app.clock, publicUrl, purpose);
}

/** The same audit trail as the API's, with the operating-system user as the actor. */
async function audit(app: AppContext, action: string, before: UserRecord | null, after: UserRecord | null, change: unknown): Promise<void> {
  const view = (u: UserRecord | null) => (u ? { id: u.id, username: u.username, role: u.role, disabledAt: u.disabledAt } : null);
  await recordCliAudit(app, { action, objectType: 'users', objectId: after?.id ?? before?.id ?? null, before: view(before), after: view(after), change });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
