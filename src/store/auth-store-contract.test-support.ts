import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { PendingAuthorization } from '../domain/pending-authorization.js';
import { hashSecret } from './auth-store.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleSource } from './store-contract.test-support.js';
import { DuplicateUserError } from './store-errors.js';
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

    it('sources keep a drop-off alarm setting, null by default', async () => {
      const source = await store.createSource(sampleSource());
      expect(source.dropOffAlarmMinutes).toBeNull();
      expect((await store.updateSource(source.id, { dropOffAlarmMinutes: 60 })).dropOffAlarmMinutes).toBe(60);
      expect((await store.getSource(source.id))?.dropOffAlarmMinutes).toBe(60);
      expect((await store.updateSource(source.id, { dropOffAlarmMinutes: null })).dropOffAlarmMinutes).toBeNull();
    });
  });
}
