import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/shared/clock.js';
import { hashSecret } from '../src/store/auth-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { runCli } from './support/cli-child.js';

/** `zoomtrail users ...` on the server's data directory (issue 17, part 2). */
describe('CLI: users', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('invites with a role, lists, sets roles, disables and enables, resets passwords, ends sessions; never demotes the last admin', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-users-'));
    dirs.push(dataDir);
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir], { ZOOMTRAIL_PUBLIC_URL: 'https://zt.example.com', ZOOMTRAIL_LOG_LEVEL: 'warn' });
    expect((await runCli(['admin', 'create', '--data-dir', dataDir, '--username', 'ops', '--password-stdin'], {}, { input: 'a long enough password\n' })).code).toBe(0);

    const invite = await cli('users', 'invite', '--role', 'analyst');
    expect(invite.code).toBe(0);
    expect(invite.stdout.trim()).toMatch(/^https:\/\/zt\.example\.com\/setup\?token=[A-Za-z0-9_-]{43}$/);
    expect((await cli('users', 'invite', '--role', 'root')).stderr).toMatch(/Unknown role "root": use one of admin, analyst, viewer/);

    const store = await openSqliteStore({ dataDir, clock: new ManualClock(Date.now()), env: {} });
    try {
      const token = new URL(invite.stdout.trim()).searchParams.get('token')!;
      expect(await store.setupTokenPurpose(hashSecret(token))).toEqual({ kind: 'invite', role: 'analyst' });
      const ana = await store.createUser({ username: 'ana', passwordHash: 'h', role: 'analyst' });
      await store.createSession({ idHash: 's1', userId: ana.id, csrfSecret: 'c', expiresAt: Date.now() + 3_600_000 });
    } finally {
      await store.close();
    }

    const lastAdmin = await cli('users', 'set-role', 'ops', 'viewer');
    expect(lastAdmin.code).toBe(2);
    expect(lastAdmin.stderr).toMatch(/"ops" is the last enabled admin/);
    expect((await cli('users', 'disable', 'ops')).code).toBe(2);

    expect((await cli('users', 'set-role', 'ana', 'admin')).stderr).toContain('"ana" is now admin.');
    expect((await cli('users', 'end-sessions', 'ana')).stderr).toContain('Ended 1 session of "ana".');
    expect((await cli('users', 'disable', 'ops')).stderr).toContain('"ops" is disabled.');
    const list = await cli('users', 'list');
    expect(list.stdout).toMatch(/ana\s+admin\s+enabled/);
    expect(list.stdout).toMatch(/ops\s+admin\s+disabled/);
    expect((await cli('users', 'enable', 'ops')).code).toBe(0);
    expect(
      (await cli('users', 'list', '--json')).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { username: string; disabledAt: string | null }),
    ).toEqual([expect.objectContaining({ username: 'ana', role: 'admin', disabledAt: null }), expect.objectContaining({ username: 'ops', role: 'admin', disabledAt: null })]);

    const reset = await cli('users', 'reset-password', 'ops');
    expect(reset.stdout.trim()).toMatch(/^https:\/\/zt\.example\.com\/setup\?token=/);
    const reopened = await openSqliteStore({ dataDir, clock: new ManualClock(Date.now()), env: {} });
    try {
      const ops = await reopened.findUserByUsername('ops');
      expect(await reopened.setupTokenPurpose(hashSecret(new URL(reset.stdout.trim()).searchParams.get('token')!))).toEqual({ kind: 'reset', userId: ops!.id });
    } finally {
      await reopened.close();
    }
    expect((await cli('users', 'disable', 'nobody')).stderr).toMatch(/There is no user named "nobody"/);

    // Each change is in the audit trail, the operating-system user as the actor.
    const trail = await cli('audit', 'list', '--ndjson', '--limit', '1000');
    const entries = trail.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; actorKind: string; before: unknown; after: unknown });
    expect(entries.map((e) => e.action).reverse()).toEqual(['users.invitations', 'users.update', 'users.sessions.delete', 'users.update', 'users.update', 'users.password-reset']);
    expect(entries.every((e) => e.actorKind === 'cli')).toBe(true);
    expect(entries.find((e) => e.action === 'users.sessions.delete')).toMatchObject({ before: { username: 'ana' } });

    // Rule changes from the CLI too.
    expect((await cli('rules', 'disable', 'Zoom.PasscodeDisabled')).code).toBe(0);
    const rule = JSON.parse((await cli('audit', 'list', '--action', 'rules.update', '--ndjson')).stdout.trim()) as unknown;
    expect(rule).toMatchObject({ actorKind: 'cli', objectId: 'Zoom.PasscodeDisabled', before: { enabledOverride: null }, after: { enabledOverride: false } });
  });
});

describe('CLI: audit list', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the trail newest first, filtered by actor, action, object and time; --ndjson gives whole entries', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-audit-'));
    dirs.push(dataDir);
    const now = Date.now();
    const store = await openSqliteStore({ dataDir, clock: new ManualClock(now - 48 * 3_600_000), env: {} });
    const base = { actorKind: 'user' as const, address: '10.0.0.9', outcome: 'ok' as const, status: 200, before: null, change: null };
    try {
      await store.appendAudit({ ...base, actor: 'old', action: 'auth.login', objectType: 'users', objectId: null, after: null });
    } finally {
      await store.close();
    }
    const recent = await openSqliteStore({ dataDir, clock: new ManualClock(now), env: {} });
    try {
      await recent.appendAudit({
        ...base,
        actor: 'ops',
        action: 'sources.update',
        objectType: 'sources',
        objectId: 'src_1',
        before: { zoomAccountId: 'a' },
        after: { zoomAccountId: 'b' },
      });
      await recent.appendAudit({ ...base, actor: 'siem', actorKind: 'token', action: 'alerts.status', objectType: 'alerts', objectId: 'alr_1', after: null });
    } finally {
      await recent.close();
    }
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir], { ZOOMTRAIL_LOG_LEVEL: 'warn' });
    const all = await cli('audit', 'list');
    expect(all.code).toBe(0);
    const rows = all.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^TIME\s+ACTOR\s+ADDRESS\s+ACTION\s+OBJECT\s+OUTCOME$/);
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/)[3])).toEqual(['alerts.status', 'sources.update', 'auth.login']);
    expect(rows[1]).toContain('siem (token)');
    expect((await cli('audit', 'list', '--since', '24h')).stdout.trim().split('\n')).toHaveLength(3);
    expect((await cli('audit', 'list', '--actor', 'ops')).stdout).toContain('sources:src_1');
    expect((await cli('audit', 'list', '--object', 'alerts')).stdout.trim().split('\n')).toHaveLength(2);
    const ndjson = await cli('audit', 'list', '--action', 'sources.update', '--ndjson');
    expect(
      ndjson.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([expect.objectContaining({ actor: 'ops', address: '10.0.0.9', before: { zoomAccountId: 'a' }, after: { zoomAccountId: 'b' } })]);
    expect((await cli('audit', 'list', '--since', 'yesterday')).code).toBe(2);
  });
});
