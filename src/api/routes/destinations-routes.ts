import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { DestinationKind, DestinationSecret, DestinationSettings } from '../../domain/destination-settings.js';
import { destinationAddressProblem } from '../../alert/destination-address-check.js';
import { senderFor } from '../../alert/destination-registry.js';
import { testNotification } from '../../alert/test-notification.js';
import type { Severity } from '../../domain/severity.js';
import type { OutboundAddressPolicy } from '../../shared/outbound-address-policy.js';
import { findRule } from '../../rules/rule-registry.js';
import type { DestinationPatch, DestinationRecord } from '../../store/destination-store.js';
import type { ApiContext } from '../api-context.js';
import type { DestinationView, TestDeliveryResult } from '../api-types.js';
import { errorResponses, IdParams, NoContent } from '../schemas/common.js';
import { CreateDestinationRequestSchema, DestinationListSchema, DestinationViewSchema, TestDeliveryResultSchema, UpdateDestinationRequestSchema } from '../schemas/destinations.js';
import { addressRefused, ApiHttpError, installApiErrorHandler, invalidField, iso, notFound } from './route-support.js';

/** The view: never the secret (a Slack URL is the secret, so `url` is null for Slack). */
export function destinationView(d: DestinationRecord): DestinationView {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    enabled: d.enabled,
    url: d.kind === 'webhook' || d.kind === 'pagerduty' ? (d.settings.url ?? null) : null,
    minSeverity: d.settings.minSeverity ?? 'INFO',
    ruleIds: d.settings.ruleIds ?? [],
    hasSecret: d.hasSecret,
    createdAt: iso(d.createdAt),
  };
}

function checkRuleIds(ruleIds: readonly string[] | undefined): void {
  for (const id of ruleIds ?? []) {
    if (!findRule(id)) throw invalidField('ruleIds', `there is no rule "${id}"`);
  }
}

/** The sender's own check, then the outbound address policy on its URLs, as a 400 naming the field it is about. */
function checkSettings(kind: DestinationKind, settings: DestinationSettings, secret: DestinationSecret, policy: OutboundAddressPolicy): void {
  const problem = senderFor(kind).validate(settings, secret);
  if (problem) throw invalidField(/secret|routing key|slack/i.test(problem) ? 'secret' : 'url', problem);
  const refused = destinationAddressProblem(kind, settings, secret, policy);
  if (refused) throw addressRefused(refused.field, refused.message);
}

function settingsFrom(base: DestinationSettings, input: { url?: string; minSeverity?: Severity; ruleIds?: string[] }): DestinationSettings {
  const settings: DestinationSettings = { ...base };
  if (input.url !== undefined) settings.url = input.url;
  if (input.minSeverity !== undefined) settings.minSeverity = input.minSeverity;
  if (input.ruleIds !== undefined) {
    if (input.ruleIds.length > 0) settings.ruleIds = [...new Set(input.ruleIds)];
    else delete settings.ruleIds;
  }
  return settings;
}

/** Whether a change of settings points the destination somewhere else (scheme, host, port or path of its URL). */
function targetChanged(before: DestinationSettings, after: DestinationSettings): boolean {
  return (before.url ?? '') !== (after.url ?? '');
}

/** GET/POST /destinations, PATCH/DELETE /destinations/:id, POST /destinations/:id/test. */
export const destinationsRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock, logger } = context.app;

  async function existing(id: string): Promise<DestinationRecord> {
    const d = await store.getDestination(id);
    if (!d || d.id !== id) throw notFound('destination', id); // by id only (the store also looks up names)
    return d;
  }

  async function nameFree(name: string, exceptId?: string): Promise<void> {
    const other = await store.getDestination(name);
    if (other && other.name === name && other.id !== exceptId)
      throw new ApiHttpError(409, 'duplicate_destination', `A destination named "${name}" exists already.`, [{ field: 'name', message: 'name is taken' }]);
  }

  fastify.get(
    '/destinations',
    {
      config: { access: 'read' },
      schema: {
        tags: ['destinations'],
        response: { 200: DestinationListSchema },
      },
    },
    async () => ({ destinations: (await store.listDestinations()).map(destinationView) }),
  );

  fastify.post(
    '/destinations',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['destinations'],
        body: CreateDestinationRequestSchema,
        response: { 201: DestinationViewSchema, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const name = body.name.trim();
      if (name === '') throw invalidField('name', 'name must not be blank');
      checkRuleIds(body.ruleIds);
      const settings = settingsFrom({}, body);
      const secret = body.secret ?? null;
      if (senderFor(body.kind).needsSecret && secret === null) throw invalidField('secret', `a ${body.kind} destination needs a secret`);
      checkSettings(body.kind, settings, secret, context.app.outbound.policy);
      await nameFree(name);
      const created = await store.createDestination({ name, kind: body.kind, settings, enabled: body.enabled ?? true, secret });
      return reply.code(201).send(destinationView(created));
    },
  );

  fastify.patch(
    '/destinations/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['destinations'],
        params: IdParams,
        body: UpdateDestinationRequestSchema,
        response: { 200: DestinationViewSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request): Promise<DestinationView> => {
      const current = await existing(request.params.id);
      const body = request.body;
      const patch: DestinationPatch = {};
      if (body.name !== undefined) {
        const name = body.name.trim();
        if (name === '') throw invalidField('name', 'name must not be blank');
        if (name !== current.name) await nameFree(name, current.id);
        patch.name = name;
      }
      checkRuleIds(body.ruleIds);
      const settings = settingsFrom(current.settings, body);
      // A new secret replaces the stored one; leaving it out keeps it.
      const secret = body.secret !== undefined ? body.secret : await store.getDestinationSecret(current.id);
      checkSettings(current.kind, settings, secret, context.app.outbound.policy);
      // Where it sends and its secret go together: a secret entered for one host must not follow the URL to another.
      if (targetChanged(current.settings, settings) && current.hasSecret && body.secret === undefined) {
        throw new ApiHttpError(
          400,
          'secret_required',
          `Changing where destination "${current.name}" sends needs its secret again: the stored one was given for ${current.settings.url ?? 'the old URL'}.`,
          [{ field: 'secret', message: 'enter the secret again when the URL changes' }],
          'Send the secret (signing key, routing key) together with the new URL.',
        );
      }
      patch.settings = settings;
      if (body.secret !== undefined) patch.secret = body.secret;
      if (body.enabled !== undefined) patch.enabled = body.enabled;
      return destinationView(await store.updateDestination(current.id, patch));
    },
  );

  fastify.delete(
    '/destinations/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['destinations'],
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const d = await existing(request.params.id);
      if (!(await store.removeDestination(d.id))) throw notFound('destination', d.id);
      return reply.code(204).send();
    },
  );

  fastify.post(
    '/destinations/:id/test',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['destinations'],
        params: IdParams,
        response: {
          200: TestDeliveryResultSchema,
          ...errorResponses(404),
        },
      },
    },
    async (request): Promise<TestDeliveryResult> => {
      const d = await existing(request.params.id);
      const secret = await store.getDestinationSecret(d.id);
      const user = request.user!;
      const origin = { from: user.via === 'session' ? 'console' : 'api', username: user.username } as const;
      const result = await senderFor(d.kind).send(testNotification(clock.now(), origin), d.settings, secret, { fetch: context.fetch, clock, logger });
      return { ok: result.ok, status: result.status, message: result.message };
    },
  );
};
