import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { UserRecord } from '../../store/auth-store.js';
import type { ApiContext } from '../api-context.js';
import type { OneTimeLink, UserView } from '../api-types.js';
import { createSetupLink, SETUP_TOKEN_TTL_MS } from '../setup-link.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { EndedSessionsSchema, InviteRequestSchema, OneTimeLinkSchema, UserListSchema, UserPatchSchema, UserViewSchema } from '../schemas/users.js';
import { installApiErrorHandler, iso, isoOrNull, notFound } from './route-support.js';

export function userView(user: UserRecord): UserView {
  return { id: user.id, username: user.username, role: user.role, createdAt: iso(user.createdAt), disabledAt: isoOrNull(user.disabledAt) };
}

/**
 * User management, admin only: list, invite (a one-time link that creates a user with a role), change a role,
 * disable or enable (disabling ends the user's sessions; their tokens stop working), a password-reset link,
 * and ending every session of a user. The last enabled admin cannot be demoted or disabled (409).
 */
export const usersRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;

  async function load(id: string): Promise<UserRecord> {
    const user = await store.getUser(id);
    if (!user) throw notFound('user', id);
    return user;
  }

  async function link(purpose: Parameters<typeof createSetupLink>[3]): Promise<OneTimeLink> {
    const expiresAt = clock.now() + SETUP_TOKEN_TTL_MS;
    return { link: await createSetupLink(store, clock, ctx.publicUrl, purpose), expiresAt: iso(expiresAt) };
  }

  fastify.get('/users', { config: { access: 'admin' }, schema: { tags: ['users'], summary: 'Every user', response: { 200: UserListSchema } } }, async () => ({
    users: (await store.listUsers()).map(userView),
  }));

  fastify.post(
    '/users/invitations',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'A one-time link (24 hours) with which someone creates their account with this role',
        body: InviteRequestSchema,
        response: { 201: OneTimeLinkSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => reply.code(201).send(await link({ kind: 'invite', role: request.body.role })),
  );

  fastify.patch(
    '/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: "Change a user's role or disable/enable them (disabling ends their sessions)",
        params: IdParams,
        body: UserPatchSchema,
        response: { 200: UserViewSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request): Promise<UserView> => {
      const user = await load(request.params.id);
      const changed = await store.updateUser(user.id, request.body);
      if (!changed) throw notFound('user', user.id);
      if (changed.disabledAt !== null) await store.deleteSessionsOfUser(user.id);
      request.log.info({ username: user.username, change: request.body }, 'user changed');
      return userView(changed);
    },
  );

  fastify.post(
    '/users/:id/password-reset',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'A one-time link (24 hours) with which this user sets a new password (their sessions then end)',
        params: IdParams,
        response: { 201: OneTimeLinkSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const user = await load(request.params.id);
      return reply.code(201).send(await link({ kind: 'reset', userId: user.id }));
    },
  );

  fastify.delete(
    '/users/:id/sessions',
    {
      config: { access: 'admin' },
      schema: { tags: ['users'], summary: 'Sign a user out everywhere', params: IdParams, response: { 200: EndedSessionsSchema, ...errorResponses(404) } },
    },
    async (request) => {
      const user = await load(request.params.id);
      return { ended: await store.deleteSessionsOfUser(user.id) };
    },
  );
};
