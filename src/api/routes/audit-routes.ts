import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from 'typebox';
import type { AuditEntry } from '../../store/audit-store.js';
import type { ApiContext } from '../api-context.js';
import type { AuditEntryView } from '../api-types.js';
import { AuditExportFileSchema, AuditListSchema, AuditQuerySchema } from '../schemas/audit.js';
import { errorResponses } from '../schemas/common.js';
import { installApiErrorHandler, iso } from './route-support.js';

export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return { ...entry, at: iso(entry.at) };
}

/** GET /api/audit (admin): the audit trail, newest first, filtered; `format=ndjson` for an export. Read-only: no route changes or deletes an entry. */
export const auditRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;

  async function entries(query: Static<typeof AuditQuerySchema>): Promise<AuditEntryView[]> {
    const { since, ...filters } = query;
    return (await store.listAudit({ ...filters, ...(since !== undefined ? { since: Date.parse(since) } : {}) })).map(auditEntryView);
  }

  fastify.get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail: who changed what, when, from where (secrets masked), newest first',
        querystring: AuditQuerySchema,
        response: { 200: AuditListSchema, ...errorResponses(400) },
      },
    },
    async (request) => ({ entries: await entries(request.query) }),
  );

  fastify.get(
    '/audit/export',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail as NDJSON (same filters), for a SIEM or an archive',
        querystring: AuditQuerySchema,
        response: { 200: AuditExportFileSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const lines = (await entries(request.query)).map((e) => `${JSON.stringify(e)}\n`);
      const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="zoomtrail-audit-${stamp}.ndjson"`)
        .send(Readable.from(lines));
    },
  );
};
