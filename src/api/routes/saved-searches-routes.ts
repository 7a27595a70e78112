import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { parseEventQuery } from '../../domain/event-query.js';
import { detectionFromQuery, QueryDetectionError } from '../../rules/query-detection.js';
import { addRuleFile, RuleFileExistsError } from '../../rules/user/rule-file-writer.js';
import type { SavedSearchRecord } from '../../store/saved-search-store.js';
import type { ApiContext, ApiUser } from '../api-context.js';
import type { MadeDetection, SavedSearchDetection, SavedSearchView } from '../api-types.js';
import { errorResponses, IdParams, NoContent } from '../schemas/common.js';
import {
  CreateSavedSearchSchema,
  MadeDetectionSchema,
  SavedSearchDetectionSchema,
  SavedSearchListSchema,
  SavedSearchPatchSchema,
  SavedSearchViewSchema,
} from '../schemas/saved-searches.js';
import { ApiHttpError, installApiErrorHandler, iso, notFound } from './route-support.js';

function canEdit(s: SavedSearchRecord, user: ApiUser): boolean {
  return s.ownerId === user.id || (s.shared && user.scopes.has('admin'));
}

export function savedSearchView(s: SavedSearchRecord, user: ApiUser): SavedSearchView {
  return {
    id: s.id,
    name: s.name,
    query: s.query,
    shared: s.shared,
    ownerName: s.ownerName,
    mine: s.ownerId === user.id,
    canEdit: canEdit(s, user),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** A query that does not parse: 400 naming `query` with the position and a fix. */
function checkQuery(query: string): void {
  const parsed = parseEventQuery(query);
  if (!parsed.ok)
    throw new ApiHttpError(400, 'invalid_query', parsed.error.message, [{ field: 'query', message: parsed.error.message, position: parsed.error.position }], parsed.error.fix);
}

/** The YAML detection a saved search makes: 400 when its query is malformed, empty or not expressible as a rule. */
function detectionOf(found: SavedSearchRecord): SavedSearchDetection {
  const parsed = parseEventQuery(found.query);
  if (!parsed.ok)
    throw new ApiHttpError(400, 'invalid_query', parsed.error.message, [{ field: 'query', message: parsed.error.message, position: parsed.error.position }], parsed.error.fix);
  if (!parsed.query)
    throw new ApiHttpError(
      400,
      'invalid_query',
      'The saved search has an empty query: a detection needs a condition',
      [{ field: 'query', message: 'empty', position: 0 }],
      'Give the search a query first.',
    );
  try {
    return detectionFromQuery(found.name, found.query, parsed.query);
  } catch (error) {
    if (!(error instanceof QueryDetectionError)) throw error;
    throw new ApiHttpError(400, 'not_a_detection', error.message, [{ field: 'query', message: error.message, position: error.position }], error.fix);
  }
}

/**
 * Saved event searches: each user's own and the shared ones. Anyone who can
 * read events saves and lists them; a search is changed or deleted by its owner,
 * or by an admin when shared; another user's private search is not found.
 */
export const savedSearchesRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = context.app;
  const { rules } = context.pipeline;

  /** The search `id` as `user` may see it, or 404. */
  async function visible(id: string, user: ApiUser): Promise<SavedSearchRecord> {
    const found = await store.getSavedSearch(id);
    if (!found || (!found.shared && found.ownerId !== user.id)) throw notFound('saved search', id);
    return found;
  }

  /** The search `id` if `user` may change it: 404 when not visible, 403 when visible but not theirs to change. */
  async function editable(id: string, user: ApiUser): Promise<SavedSearchRecord> {
    const found = await visible(id, user);
    if (!canEdit(found, user))
      throw new ApiHttpError(
        403,
        'forbidden',
        `The saved search "${found.name}" is ${found.ownerName}'s: only its owner or an admin can change it.`,
        undefined,
        'Save a copy of your own instead.',
      );
    return found;
  }

  fastify.get(
    '/saved-searches',
    { config: { access: 'read' }, schema: { tags: ['events'], summary: 'Your saved searches and the shared ones, by name', response: { 200: SavedSearchListSchema } } },
    async (request) => {
      const user = request.user!;
      return { savedSearches: (await store.listSavedSearches(user.id)).map((s) => savedSearchView(s, user)) };
    },
  );

  fastify.post(
    '/saved-searches',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Save a search (private unless shared)',
        body: CreateSavedSearchSchema,
        response: { 201: SavedSearchViewSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      const { name, query, shared } = request.body;
      checkQuery(query);
      const created = await store.createSavedSearch({ ownerId: user.id, ownerName: user.username, name, query, shared: shared ?? false });
      return reply.code(201).send(savedSearchView(created, user));
    },
  );

  fastify.patch(
    '/saved-searches/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Rename, change or share a saved search (its owner; an admin for a shared one)',
        params: IdParams,
        body: SavedSearchPatchSchema,
        response: { 200: SavedSearchViewSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const user = request.user!;
      await editable(request.params.id, user);
      const { name, query, shared } = request.body;
      if (query !== undefined) checkQuery(query);
      const changed = await store.updateSavedSearch(request.params.id, {
        ...(name !== undefined ? { name } : {}),
        ...(query !== undefined ? { query } : {}),
        ...(shared !== undefined ? { shared } : {}),
      });
      if (!changed) throw notFound('saved search', request.params.id);
      return savedSearchView(changed, user);
    },
  );

  fastify.delete(
    '/saved-searches/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Delete a saved search (its owner; an admin for a shared one)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await editable(request.params.id, request.user!);
      if (!(await store.deleteSavedSearch(request.params.id))) throw notFound('saved search', request.params.id);
      return reply.code(204).send();
    },
  );

  fastify.get(
    '/saved-searches/:id/detection',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'A YAML detection made from the saved search, to copy into ZOOMTRAIL_RULES_DIR',
        params: IdParams,
        response: { 200: SavedSearchDetectionSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<SavedSearchDetection> => detectionOf(await visible(request.params.id, request.user!)),
  );

  fastify.post(
    '/saved-searches/:id/detection',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['events', 'rules'],
        summary: 'Make a detection from the saved search: its YAML rule is added to the rules directory and loaded',
        params: IdParams,
        response: { 201: MadeDetectionSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply): Promise<MadeDetection> => {
      const made = detectionOf(await visible(request.params.id, request.user!));
      const taken = rules.find(made.ruleId);
      if (taken)
        throw new ApiHttpError(
          409,
          'conflict',
          `A rule ${made.ruleId} already exists (${rules.fileOf(made.ruleId) ?? 'built-in'})`,
          undefined,
          'Rename the saved search (the rule id comes from its name), or remove the existing rule file from the rules directory.',
        );
      let file: string;
      try {
        file = await addRuleFile(rules.dir, made.fileName, made.yaml);
      } catch (error) {
        if (!(error instanceof RuleFileExistsError)) throw error;
        throw new ApiHttpError(409, 'conflict', `The rules directory already has ${made.fileName}`, undefined, 'Rename the saved search, or remove or rename that file.');
      }
      await rules.load(true, `detection made from a saved search by ${request.user!.username}`);
      return reply.code(201).send({ ruleId: made.ruleId, fileName: made.fileName, file, notes: made.notes });
    },
  );
};
