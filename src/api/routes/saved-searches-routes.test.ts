import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantedScopes, type Role } from '../../domain/access-scope.js';
import type { ApiUser } from '../api-context.js';
import type { MadeDetection, RuleView, SavedSearchDetection, SavedSearchList, SavedSearchView } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { rulesRoutes } from './rules-routes.js';
import { savedSearchesRoutes } from './saved-searches-routes.js';

function user(id: string, username: string, role: Role): ApiUser {
  return { id, username, via: 'session', sessionId: `s-${id}`, role, scopes: grantedScopes(role), token: null };
}
const USERS: Record<string, ApiUser> = { ann: user('u-ann', 'ann', 'viewer'), bob: user('u-bob', 'bob', 'analyst'), root: user('u-root', 'root', 'admin') };

describe('saved searches routes', () => {
  let t: RouteTestServer;

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: savedSearchesRoutes, prefix: '/api' }], {
      beforeRoutes: (server) =>
        server.addHook('onRequest', async (request) => {
          request.user = USERS[String(request.headers['x-as'])] ?? request.user;
        }),
    });
  });
  afterEach(async () => t.close());

  const call = async <T>(as: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await t.server.inject({ method, url, headers: { 'x-as': as }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T };
  };
  const names = async (as: string) => (await call<SavedSearchList>(as, 'GET', '/api/saved-searches')).body.savedSearches.map((s) => s.name);

  it('keeps each user their own searches and shows the shared ones to everyone', async () => {
    const mine = await call<SavedSearchView>('ann', 'POST', '/api/saved-searches', { name: 'My deletes', query: 'action:delete' });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ name: 'My deletes', query: 'action:delete', shared: false, ownerName: 'ann', mine: true, canEdit: true });
    await call('bob', 'POST', '/api/saved-searches', { name: 'Team: two-factor off', query: 'p_udm.changes.name:"Two-Factor*"', shared: true });
    expect(await names('ann')).toEqual(['My deletes', 'Team: two-factor off']);
    expect(await names('bob')).toEqual(['Team: two-factor off']);
    expect(await names('root')).toEqual(['Team: two-factor off']);
  });

  it('lets the owner change and delete a search, an admin a shared one, nobody else', async () => {
    const shared = (await call<SavedSearchView>('bob', 'POST', '/api/saved-searches', { name: 'Deletes', query: 'action:delete', shared: true })).body;
    const priv = (await call<SavedSearchView>('bob', 'POST', '/api/saved-searches', { name: 'Private', query: 'action:add' })).body;
    const annView = (await call<SavedSearchList>('ann', 'GET', '/api/saved-searches')).body.savedSearches[0]!;
    expect(annView).toMatchObject({ mine: false, canEdit: false });
    expect((await call('ann', 'PATCH', `/api/saved-searches/${shared.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await call('ann', 'DELETE', `/api/saved-searches/${shared.id}`)).status).toBe(403);
    expect((await call('ann', 'PATCH', `/api/saved-searches/${priv.id}`, { name: 'x' })).status).toBe(404);
    expect((await call('root', 'DELETE', `/api/saved-searches/${priv.id}`)).status).toBe(404);
    const renamed = await call<SavedSearchView>('root', 'PATCH', `/api/saved-searches/${shared.id}`, { name: 'Deletes (all)' });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Deletes (all)', ownerName: 'bob', mine: false, canEdit: true } });
    const unshared = await call<SavedSearchView>('bob', 'PATCH', `/api/saved-searches/${shared.id}`, { shared: false, query: 'action:delete OR action:add' });
    expect(unshared.body).toMatchObject({ shared: false, query: 'action:delete OR action:add' });
    expect((await call('root', 'PATCH', `/api/saved-searches/${shared.id}`, { name: 'again' })).status).toBe(404);
    expect((await call('bob', 'DELETE', `/api/saved-searches/${priv.id}`)).status).toBe(204);
    expect(await names('bob')).toEqual(['Deletes (all)']);
  });

  it('refuses a query that does not parse, with the position', async () => {
    const res = await call<{ code: string; fields: { field: string; position: number }[] }>('ann', 'POST', '/api/saved-searches', { name: 'Bad', query: 'action:delete OR (x' });
    expect(res).toMatchObject({ status: 400, body: { code: 'invalid_query', fields: [{ field: 'query', position: 17 }] } });
    expect((await call('ann', 'POST', '/api/saved-searches', { name: '', query: 'x' })).status).toBe(400);
  });

  it('makes a YAML detection from a saved search, or says what it cannot express', async () => {
    const s = (await call<SavedSearchView>('ann', 'POST', '/api/saved-searches', { name: 'Two-factor off', query: 'p_event_time>=2026-11-01 p_udm.changes.name:"Two-Factor*"' }))
      .body;
    const made = await call<SavedSearchDetection>('ann', 'GET', `/api/saved-searches/${s.id}/detection`);
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ ruleId: 'Custom.Search.TwoFactorOff', fileName: 'search-two-factor-off.yml', notes: [expect.stringContaining('p_event_time')] });
    expect(made.body.yaml).toContain('Condition: IStartsWith');
    expect((await call('bob', 'GET', `/api/saved-searches/${s.id}/detection`)).status).toBe(404);
    const geo = (await call<SavedSearchView>('ann', 'POST', '/api/saved-searches', { name: 'Germany', query: 'action:add country:DE' })).body;
    expect(await call('ann', 'GET', `/api/saved-searches/${geo.id}/detection`)).toMatchObject({ status: 400, body: { code: 'not_a_detection', fields: [{ position: 11 }] } });
  });

  describe('making a detection (POST .../detection)', () => {
    let rulesDir: string;
    beforeEach(async () => {
      await t.close();
      rulesDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-made-detection-')), 'rules');
      t = await startRouteTestServer(
        [
          { plugin: savedSearchesRoutes, prefix: '/api' },
          { plugin: rulesRoutes, prefix: '/api' },
        ],
        {
          rulesDir,
          beforeRoutes: (server) =>
            server.addHook('onRequest', async (request) => {
              request.user = USERS[String(request.headers['x-as'])] ?? request.user;
            }),
        },
      );
    });
    afterEach(() => rmSync(path.dirname(rulesDir), { recursive: true, force: true }));

    it('adds the rule file to the rules directory and loads it; a second time is a conflict (who may: test/api-role-matrix.test.ts)', async () => {
      const s = (await call<SavedSearchView>('bob', 'POST', '/api/saved-searches', { name: 'User deletes', query: 'action:delete category:user', shared: true })).body;
      const made = await call<MadeDetection>('root', 'POST', `/api/saved-searches/${s.id}/detection`);
      expect(made).toMatchObject({
        status: 201,
        body: { ruleId: 'Custom.Search.UserDeletes', fileName: 'search-user-deletes.yml', file: path.join(rulesDir, 'search-user-deletes.yml') },
      });
      expect(readFileSync(made.body.file, 'utf8')).toBe((await call<SavedSearchDetection>('root', 'GET', `/api/saved-searches/${s.id}/detection`)).body.yaml);
      const rule = await call<RuleView>('root', 'GET', '/api/rules/Custom.Search.UserDeletes');
      expect(rule).toMatchObject({ status: 200, body: { id: 'Custom.Search.UserDeletes', source: made.body.file } });
      const again = await call<{ code: string; fix: string }>('root', 'POST', `/api/saved-searches/${s.id}/detection`);
      expect(again).toMatchObject({ status: 409, body: { code: 'conflict', fix: expect.stringContaining('Rename the saved search') } });
      const geo = (await call<SavedSearchView>('root', 'POST', '/api/saved-searches', { name: 'Germany', query: 'action:add country:DE' })).body;
      expect(await call('root', 'POST', `/api/saved-searches/${geo.id}/detection`)).toMatchObject({ status: 400, body: { code: 'not_a_detection' } });
    });
  });
});
