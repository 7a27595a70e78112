import { ALLOWED_NETWORKS_SETTING, type OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import type { SinkPatch, SinkRecord, SinkStore } from '../store/sink-store.js';
import { LOG_TYPES } from '../zoom/report-records.js';
import { parseFieldFilter } from './event-filter.js';
import { FORMAT_NAMES, isFormatName } from './formats/event-format.js';
import type { Sink, SinkConfig } from './sink.js';
import { sinkFor } from './sink-registry.js';

/** The part of a sink a change names (the API's field; the CLI turns it into its flag). */
export type SinkField = 'name' | 'format' | 'url' | 'secret' | 'settings' | 'logTypes' | 'fieldFilters';

/** Why a sink cannot be saved as asked: a value with the field at fault, a message and a fix (never a secret). */
export interface SinkEditProblem {
  code: 'invalid_request' | 'address_refused' | 'duplicate_sink' | 'secret_required';
  field: SinkField;
  message: string;
  fix: string;
}

/** What may change on a sink (PATCH /api/sinks/:id, `zoomtrail sink update`): absent keeps the value. */
export interface SinkUpdateRequest {
  name?: string;
  format?: string;
  url?: string;
  /** Replaces every setting. */
  settings?: Record<string, unknown>;
  /** Replaces the secret (write-only). */
  secret?: string;
  /** Null or empty: every log type. */
  logTypes?: string[] | null;
  fieldFilters?: string[];
}

export type SinkUpdateResult = { ok: true; sink: SinkRecord } | { ok: false; problem: SinkEditProblem };

export interface SinkUpdateDeps {
  store: Pick<SinkStore, 'getSink' | 'getSinkSecret' | 'updateSink'>;
  policy: OutboundAddressPolicy;
}

/** The log types and field filter clauses a sink may be given, or what is wrong with them. */
export function sinkFilterProblem(logTypes: readonly string[] | null | undefined, fieldFilters: readonly string[] | undefined): SinkEditProblem | null {
  for (const type of logTypes ?? [])
    if (!(LOG_TYPES as readonly string[]).includes(type))
      return { code: 'invalid_request', field: 'logTypes', message: `"${type}" is not one of ${LOG_TYPES.join(', ')}`, fix: `Name log types among ${LOG_TYPES.join(', ')}.` };
  const parsed = parseFieldFilter([...(fieldFilters ?? [])]);
  if (typeof parsed === 'string') return { code: 'invalid_request', field: 'fieldFilters', message: parsed, fix: 'Write each clause as field=value or field!=value.' };
  return null;
}

/** The sink module's own check of its settings and secret, then the outbound address policy on where it connects. */
export function sinkTargetProblem(module: Sink, config: SinkConfig, secret: string | null, policy: OutboundAddressPolicy): SinkEditProblem | null {
  const problem = module.validate(config, secret);
  if (problem) {
    const field: SinkField = /secret|credential|token|key/i.test(problem) ? 'secret' : /url|endpoint/i.test(problem) ? 'url' : 'settings';
    return { code: 'invalid_request', field, message: problem, fix: `Correct the sink's ${field === 'settings' ? 'settings' : field} and save it again.` };
  }
  for (const target of module.targets(config)) {
    const refusal = policy.refusalForUrl(target.url);
    if (refusal)
      return {
        code: 'address_refused',
        field: 'url',
        message: `${target.what}: ${refusal}`,
        fix: `Use a public address; to reach a private, loopback or link-local network on purpose, add it to ${ALLOWED_NETWORKS_SETTING} (comma-separated CIDR ranges).`,
      };
  }
  return null;
}

/**
 * Changes a sink as asked, after the same checks whoever asks (the API's
 * PATCH and `zoomtrail sink update`): a free name, a known format, the sink
 * module's check of its settings and secret, the outbound address policy on
 * where it connects, and valid filters. Where it sends and its secret go
 * together: a stored secret does not follow a changed URL to another host.
 */
export async function updateSink(current: SinkRecord, request: SinkUpdateRequest, deps: SinkUpdateDeps): Promise<SinkUpdateResult> {
  const { store } = deps;
  const refuse = (problem: SinkEditProblem): SinkUpdateResult => ({ ok: false, problem });
  const patch: SinkPatch = {};
  if (request.name !== undefined) {
    const name = request.name.trim();
    if (name === '') return refuse({ code: 'invalid_request', field: 'name', message: 'name must not be blank', fix: 'Give a name with at least one letter.' });
    if (name !== current.name) {
      const other = await store.getSink(name);
      if (other && other.name === name && other.id !== current.id)
        return refuse({ code: 'duplicate_sink', field: 'name', message: `A sink named "${name}" exists already.`, fix: 'Choose another name.' });
    }
    patch.name = name;
  }
  if (request.format !== undefined && !isFormatName(request.format))
    return refuse({ code: 'invalid_request', field: 'format', message: `"${request.format}" is not a format`, fix: `Use one of ${FORMAT_NAMES.join(', ')}.` });
  const config = { url: request.url ?? current.url, settings: request.settings ?? current.settings };
  if (config.url !== current.url && current.hasSecret && request.secret === undefined)
    return refuse({
      code: 'secret_required',
      field: 'secret',
      message: `Changing where sink "${current.name}" sends needs its secret again: the stored one was given for ${current.url}.`,
      fix: 'Send the secret together with the new URL.',
    });
  const secret = request.secret !== undefined ? request.secret : current.hasSecret ? await store.getSinkSecret(current.id) : null;
  const problem = sinkTargetProblem(sinkFor(current.kind), config, secret, deps.policy) ?? sinkFilterProblem(request.logTypes, request.fieldFilters);
  if (problem) return refuse(problem);
  if (request.url !== undefined) patch.url = request.url;
  if (request.settings !== undefined) patch.settings = request.settings;
  if (request.format !== undefined) patch.format = request.format;
  if (request.secret !== undefined) patch.secret = request.secret;
  if (request.logTypes !== undefined) patch.logTypes = request.logTypes && request.logTypes.length > 0 ? request.logTypes : null;
  if (request.fieldFilters !== undefined) patch.fieldFilters = request.fieldFilters;
  return { ok: true, sink: await store.updateSink(current.id, patch) };
}
