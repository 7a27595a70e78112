import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { PendingAuthorization } from '../domain/pending-authorization.js';
import { hashSecret } from './auth-store.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleSource } from './store-contract.test-support.js';
import { DuplicateUserError, LastAdminError } from './store-errors.js';
import type { Store } from './store.js';

const START = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const POLICY = { idleMs: 12 * HOUR, maxAgeMs: 7 * 24 * HOUR };

/** The console/API auth behaviour every Store must have (the AuthStore part), as one vitest suite. */
export function describeAuthStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Auth store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: 7 }));
    });
    afterEach(async () => cleanup());

    it('creates users with unique usernames and finds them', async () => {
      expect(await store.countUsers()).toBe(0);
      const user = await store.createUser({ username: 'admin', passwordHash: '$argon2id$x' });
      expect(await store.countUsers()).toBe(1);
      expect(await store.findUserByUsername('admin')).toEqual(user);
      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.findUserByUsername('nobody')).toBeUndefined();
      await expect(store.createUser({ username: 'admin', passwordHash: 'h' })).rejects.toBeInstanceOf(DuplicateUserError);
    });

    it('sessions slide their idle expiry up to the maximum age, and end on delete', async () => {
      const user = await store.createUser({ username: 'admin', passwordHash: 'h' });
      await store.createSession({ idHash: 'h1', userId: user.id, csrfSecret: 'c1', expiresAt: START + POLICY.idleMs });
      const first = await store.touchSession('h1', POLICY);
      expect(first).toMatchObject({ userId: user.id, username: 'admin', csrfSecret: 'c1', expiresAt: START + POLICY.idleMs });
      clock.advance(11 * HOUR);
      expect((await store.touchSession('h1', POLICY))?.expiresAt).toBe(START + 23 * HOUR);
      // Active every 11 hours, it still ends 7 days after sign-in.
      while (clock.now() + 11 * HOUR < START + POLICY.maxAgeMs) {
        clock.advance(11 * HOUR);
        expect(await store.touchSession('h1', POLICY)).toBeDefined();
      }
      clock.set(START + POLICY.maxAgeMs);
      expect(await store.touchSession('h1', POLICY)).toBeUndefined();

      await store.createSession({ idHash: 'h2', userId: user.id, csrfSecret: 'c2', expiresAt: clock.now() + POLICY.idleMs });
      clock.advance(12 * HOUR + 1);
      expect(await store.touchSession('h2', POLICY)).toBeUndefined();

      await store.createSession({ idHash: 'h3', userId: user.id, csrfSecret: 'c3', expiresAt: clock.now() + POLICY.idleMs });
      expect(await store.deleteSession('h3')).toBe(true);
      expect(await store.touchSession('h3', POLICY)).toBeUndefined();
      expect(await store.deleteSession('h3')).toBe(false);
    });

    it('removes expired sessions, setup tokens and authorizations', async () => {
      const user = await store.createUser({ username: 'admin', passwordHash: 'h' });
      await store.createSession({ idHash: 'old', userId: user.id, csrfSecret: 'c', expiresAt: START + HOUR });
      await store.createSession({ idHash: 'new', userId: user.id, csrfSecret: 'c', expiresAt: START + 3 * HOUR });
      await store.createSetupToken('setup-old', START + HOUR);
      clock.advance(2 * HOUR);
      expect(await store.deleteExpiredAuth()).toBe(2);
      expect(await store.touchSession('new', POLICY)).toBeDefined();
    });

    it('API tokens: found by hash (touching last use), listed, deleted', async () => {
      const user = await store.createUser({ username: 'admin', passwordHash: 'h' });
      const token = await store.createApiToken({ name: 'siem', tokenHash: hashSecret('zt_abc'), userId: user.id });
      expect(token).toMatchObject({ name: 'siem', userId: user.id, createdAt: START, lastUsedAt: null });
      clock.advance(1000);
      const used = await store.useApiToken(hashSecret('zt_abc'));
      expect(used?.user.username).toBe('admin');
      expect(used?.token.lastUsedAt).toBe(START + 1000);
      expect(await store.useApiToken(hashSecret('zt_other'))).toBeUndefined();
      expect((await store.listApiTokens()).map((t) => [t.id, t.lastUsedAt])).toEqual([[token.id, START + 1000]]);
      expect(await store.deleteApiToken(token.id)).toBe(true);
      expect(await store.useApiToken(hashSecret('zt_abc'))).toBeUndefined();
      expect(await store.deleteApiToken(token.id)).toBe(false);
    });

    it('users have a role (admin unless given), can be listed, changed and disabled; the last enabled admin stays', async () => {
      const first = await store.createUser({ username: 'first', passwordHash: 'h' });
      expect(first).toMatchObject({ role: 'admin', disabledAt: null });
      const viewer = await store.createUser({ username: 'ana', passwordHash: 'h', role: 'viewer' });
      expect((await store.listUsers()).map((u) => [u.username, u.role])).toEqual([
        ['ana', 'viewer'],
        ['first', 'admin'],
      ]);
      // The only enabled admin can be neither demoted nor disabled; nothing changes.
      await expect(store.updateUser(first.id, { role: 'analyst' })).rejects.toBeInstanceOf(LastAdminError);
      await expect(store.updateUser(first.id, { disabled: true })).rejects.toBeInstanceOf(LastAdminError);
      expect(await store.getUser(first.id)).toMatchObject({ role: 'admin', disabledAt: null });
      // A disabled admin does not count.
      await store.updateUser(viewer.id, { role: 'admin' });
      await store.updateUser(viewer.id, { disabled: true });
      await expect(store.updateUser(first.id, { role: 'viewer' })).rejects.toBeInstanceOf(LastAdminError);
      await store.updateUser(viewer.id, { disabled: false });
      expect(await store.updateUser(first.id, { role: 'analyst' })).toMatchObject({ role: 'analyst', disabledAt: null });
      await expect(store.updateUser(viewer.id, { disabled: true })).rejects.toBeInstanceOf(LastAdminError);
      // Changing what keeps someone an admin, or anything of a non-admin, is always fine.
      expect(await store.updateUser(first.id, { disabled: true })).toMatchObject({ disabledAt: START });
      expect(await store.updateUser(first.id, { passwordHash: 'new' })).toMatchObject({ passwordHash: 'new', disabledAt: START });
      expect(await store.updateUser('usr_unknown', { role: 'viewer' })).toBeUndefined();
    });

    it("a disabled user's sessions and tokens stop working; all of a user's sessions end at once", async () => {
      const admin = await store.createUser({ username: 'admin', passwordHash: 'h' });
      const analyst = await store.createUser({ username: 'ana', passwordHash: 'h', role: 'analyst' });
      await store.createSession({ idHash: 's1', userId: analyst.id, csrfSecret: 'c', expiresAt: START + HOUR });
      await store.createSession({ idHash: 's2', userId: analyst.id, csrfSecret: 'c', expiresAt: START + HOUR });
      await store.createSession({ idHash: 's3', userId: admin.id, csrfSecret: 'c', expiresAt: START + HOUR });
      expect(await store.touchSession('s1', POLICY)).toMatchObject({ username: 'ana', role: 'analyst' });
      await store.createApiToken({ name: 't', tokenHash: hashSecret('zt_ana'), userId: analyst.id, scopes: ['read'] });
      await store.updateUser(analyst.id, { disabled: true });
      expect(await store.touchSession('s1', POLICY)).toBeUndefined();
      expect(await store.useApiToken(hashSecret('zt_ana'))).toBeUndefined();
      await store.updateUser(analyst.id, { disabled: false });
      expect((await store.useApiToken(hashSecret('zt_ana')))?.user.role).toBe('analyst');
      expect(await store.deleteSessionsOfUser(analyst.id)).toBe(1); // s1 went when it was refused
      expect(await store.touchSession('s2', POLICY)).toBeUndefined();
      expect(await store.touchSession('s3', POLICY)).toBeDefined();
    });

    it('API tokens keep their scopes and expiry; an expired token does not work; listed per user', async () => {
      const admin = await store.createUser({ username: 'admin', passwordHash: 'h' });
      const other = await store.createUser({ username: 'other', passwordHash: 'h', role: 'viewer' });
      const metrics = await store.createApiToken({ name: 'prom', tokenHash: hashSecret('zt_prom'), userId: admin.id, scopes: ['metrics'], expiresAt: START + HOUR });
      expect(metrics).toMatchObject({ scopes: ['metrics'], expiresAt: START + HOUR });
      const legacy = await store.createApiToken({ name: 'old', tokenHash: hashSecret('zt_old'), userId: other.id });
      expect(legacy).toMatchObject({ scopes: ['admin'], expiresAt: null });
      expect(await store.getApiToken(metrics.id)).toEqual(metrics);
      expect((await store.listApiTokens(other.id)).map((t) => t.name)).toEqual(['old']);
      expect(await store.listApiTokens()).toHaveLength(2);
      expect((await store.useApiToken(hashSecret('zt_prom')))?.token.scopes).toEqual(['metrics']);
      clock.advance(HOUR);
      expect(await store.useApiToken(hashSecret('zt_prom'))).toBeUndefined();
      expect(await store.useApiToken(hashSecret('zt_old'))).toBeDefined();
    });

    it('one-time links say what they are for: an admin by default, an invitation with a role, a reset for one user', async () => {
      const user = await store.createUser({ username: 'admin', passwordHash: 'h' });
      await store.createSetupToken('plain', START + HOUR);
      await store.createSetupToken('invite', START + HOUR, { kind: 'invite', role: 'analyst' });
      await store.createSetupToken('reset', START + HOUR, { kind: 'reset', userId: user.id });
      expect(await store.setupTokenPurpose('plain')).toEqual({ kind: 'invite', role: 'admin' });
      expect(await store.setupTokenPurpose('invite')).toEqual({ kind: 'invite', role: 'analyst' });
      expect(await store.setupTokenPurpose('reset')).toEqual({ kind: 'reset', userId: user.id });
      expect(await store.consumeSetupToken('invite')).toBe(true);
      expect(await store.setupTokenPurpose('invite')).toBeUndefined();
      clock.advance(HOUR);
      expect(await store.setupTokenPurpose('reset')).toBeUndefined();
    });

    it('the audit trail appends entries and lists them newest first, filtered by actor, action, object and time', async () => {
      const base = { actorKind: 'user' as const, address: '10.0.0.1', objectType: 'sources', outcome: 'ok' as const, status: 200, before: null, change: null };
      const first = await store.appendAudit({ ...base, actor: 'admin', action: 'sources.create', objectId: 'src_1', after: { name: 'Zoom' } });
      clock.advance(1000);
      await store.appendAudit({
        ...base,
        actor: 'ana',
        action: 'alerts.status',
        objectType: 'alerts',
        objectId: 'alr_1',
        before: { status: 'open' },
        after: { status: 'resolved' },
      });
      clock.advance(1000);
      await store.appendAudit({ ...base, actor: 'admin', action: 'sources.update', objectId: 'src_1', before: { n: 1 }, after: { n: 2 }, change: { clientSecret: '[MASKED]' } });
      expect(first).toMatchObject({ at: START, actor: 'admin', after: { name: 'Zoom' } });
      const all = await store.listAudit();
      expect(all.map((e) => e.action)).toEqual(['sources.update', 'alerts.status', 'sources.create']);
      expect(all[0]).toMatchObject({
        actor: 'admin',
        address: '10.0.0.1',
        objectId: 'src_1',
        before: { n: 1 },
        after: { n: 2 },
        change: { clientSecret: '[MASKED]' },
        status: 200,
      });
      expect((await store.listAudit({ actor: 'ana' })).map((e) => e.action)).toEqual(['alerts.status']);
      expect((await store.listAudit({ action: 'sources.create' })).map((e) => e.id)).toEqual([first.id]);
      expect(await store.listAudit({ objectType: 'sources', objectId: 'src_1' })).toHaveLength(2);
      expect((await store.listAudit({ since: START + 1000 })).map((e) => e.actor)).toEqual(['admin', 'ana']);
      expect(await store.listAudit({ limit: 1 })).toHaveLength(1);
    });

    it('keeps the last URL the server served at', async () => {
      expect(await store.servedUrl()).toBeUndefined();
      await store.recordServedUrl('http://localhost:9123');
      await store.recordServedUrl('http://localhost:9124');
      expect(await store.servedUrl()).toBe('http://localhost:9124');
    });

    it('setup tokens are used once, and not after they expire', async () => {
      await store.createSetupToken('t1', START + HOUR);
      await store.createSetupToken('t2', START + HOUR);
      expect(await store.isSetupTokenValid('t1')).toBe(true);
      expect(await store.isSetupTokenValid('t1')).toBe(true); // checking does not use it
      expect(await store.isSetupTokenValid('unknown')).toBe(false);
      const results = await Promise.all([store.consumeSetupToken('t1'), store.consumeSetupToken('t1')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.consumeSetupToken('t1')).toBe(false);
      expect(await store.isSetupTokenValid('t1')).toBe(false);
      expect(await store.consumeSetupToken('unknown')).toBe(false);
      clock.advance(HOUR);
      expect(await store.isSetupTokenValid('t2')).toBe(false);
      expect(await store.consumeSetupToken('t2')).toBe(false);
    });

    it('pending authorizations are taken once, by state, until they expire', async () => {
      const source = await store.createSource(sampleSource());
      const pending: PendingAuthorization = {
        url: 'https://zoom.us/oauth/authorize?x',
        state: 'state-1',
        codeVerifier: 'verifier-secret-xyz',
        redirectUri: 'http://localhost:8080/oauth/callback',
        createdAt: START,
      };
      await store.savePendingAuthorization('session-hash', source.id, pending, START + 10 * 60_000);
      expect(await store.takePendingAuthorization('state-2', 'session-hash')).toBeUndefined();
      // Another session neither gets it nor uses it up.
      expect(await store.takePendingAuthorization('state-1', 'other-session')).toBeUndefined();
      expect(await store.pendingAuthorizationSource('state-1')).toBe(source.id);
      expect(await store.takePendingAuthorization('state-1', 'session-hash')).toEqual({ sessionIdHash: 'session-hash', sourceId: source.id, pending });
      expect(await store.takePendingAuthorization('state-1', 'session-hash')).toBeUndefined();
      expect(await store.pendingAuthorizationSource('state-1')).toBeUndefined();

      await store.savePendingAuthorization('session-hash', source.id, { ...pending, state: 'state-3' }, START + 10 * 60_000);
      clock.advance(10 * 60_000);
      expect(await store.pendingAuthorizationSource('state-3')).toBeUndefined();
      expect(await store.takePendingAuthorization('state-3', 'session-hash')).toBeUndefined();
    });

    it('OpenID Connect logins are single-use, sealed, expire; identities link to one user', async () => {
      const pending = { codeVerifier: 'verifier-secret-1', nonce: 'nonce-1' };
      await store.saveOidcLogin('oidc-state-1', 'binding-hash', pending, START + 10 * 60_000);
      expect(await store.takeOidcLogin('oidc-state-2')).toBeUndefined();
      expect(await store.takeOidcLogin('oidc-state-1')).toEqual({ bindingHash: 'binding-hash', pending });
      expect(await store.takeOidcLogin('oidc-state-1')).toBeUndefined();
      await store.saveOidcLogin('oidc-state-3', 'binding-hash', pending, START + 10 * 60_000);
      clock.advance(10 * 60_000);
      expect(await store.takeOidcLogin('oidc-state-3')).toBeUndefined();

      const user = await store.createUser({ username: 'sso-user', passwordHash: '!' });
      const other = await store.createUser({ username: 'other', passwordHash: '!' });
      expect(await store.findOidcUser('https://idp.example', 'sub-1')).toBeUndefined();
      await store.linkOidcIdentity('https://idp.example', 'sub-1', user.id);
      await store.linkOidcIdentity('https://idp.example', 'sub-1', other.id);
      expect(await store.findOidcUser('https://idp.example', 'sub-1')).toBe(user.id);
      expect(await store.findOidcUser('https://other.example', 'sub-1')).toBeUndefined();
    });

    it('sources keep a drop-off alarm setting, null by default', async () => {
      const source = await store.createSource(sampleSource());
      expect(source.dropOffAlarmMinutes).toBeNull();
      expect((await store.updateSource(source.id, { dropOffAlarmMinutes: 60 })).dropOffAlarmMinutes).toBe(60);
      expect((await store.getSource(source.id))?.dropOffAlarmMinutes).toBe(60);
      expect((await store.updateSource(source.id, { dropOffAlarmMinutes: null })).dropOffAlarmMinutes).toBeNull();
    });
  });
}
