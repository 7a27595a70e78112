import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './api-context.js';

/**
 * Every resource's route plugin, registered in this one list (under `/api`
 * unless the plugin says otherwise). A plugin declares JSON schemas for its
 * input and output; the OpenAPI document is built from them.
 */
export const ROUTE_PLUGINS: ReadonlyArray<{ name: string; plugin: FastifyPluginAsync<ApiContext>; prefix: string }> = [];
