import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditActorKind, NewAuditEntry } from '../store/audit-store.js';
import type { Store } from '../store/store.js';

/**
 * The audit trail's one recorder: every state-changing API request (POST, PUT, PATCH, DELETE) that
 * reached its handler is written to the store's audit_log as it answers, with who (user or token
 * name), from where, the action (named from the route), the object, the outcome, and the object
 * before and after (secrets masked); failed sign-ins too. Route plugins do nothing for it.
 */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MASK = '[MASKED]';
/** Keys whose string values never reach the trail (secrets, one-time links, CSRF tokens). */
const SECRET_KEY = /secret|password|token|authorization|routing.?key|verifier|cookie|csrf|^link$/i;

/** Actions with a name of their own; the others are `<resource>.<verb>` or `<resource>.<sub-action>`. */
const NAMED_ACTIONS: Readonly<Record<string, { action: string; objectType: string }>> = {
  'POST /api/login': { action: 'auth.login', objectType: 'users' },
  'POST /api/logout': { action: 'auth.logout', objectType: 'users' },
  'POST /api/setup': { action: 'auth.setup', objectType: 'users' },
  'POST /api/me/password': { action: 'auth.password-change', objectType: 'users' },
};

const VERBS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'replace', PATCH: 'update', DELETE: 'delete' };

/** The action and object type of a route: `POST /api/sources` sources.create, `POST /api/sources/:id/check` sources.check, `DELETE /api/users/:id/sessions` users.sessions.delete. */
export function auditActionOf(method: string, routeUrl: string): { action: string; objectType: string } {
  const named = NAMED_ACTIONS[`${method} ${routeUrl}`];
  if (named) return named;
  const segments = routeUrl
    .replace(/^\/api\//, '/')
    .split('/')
    .filter(Boolean);
  const words = segments.filter((s) => !s.startsWith(':'));
  const objectType = words[0] ?? 'api';
  const endsWithParam = segments.length > 0 && segments[segments.length - 1]!.startsWith(':');
  const verb = VERBS[method] ?? method.toLowerCase();
  const action = endsWithParam || words.length === 1 || method !== 'POST' ? [...words, verb].join('.') : words.join('.');
  return { action, objectType };
}

/** A copy of `value` with the string value of every secret-looking key replaced by `[MASKED]` (any depth). */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v === 'string' ? MASK : maskSecrets(v)]));
}

/** The stored state of an object, as the trail keeps it (no secret is in these records: they are sealed elsewhere). */
async function snapshot(store: Store, objectType: string, id: string | undefined): Promise<unknown> {
  if (id === undefined) return null;
  switch (objectType) {
    case 'sources':
      return (await store.getSource(id)) ?? null;
    case 'destinations':
      return (await store.getDestination(id)) ?? null;
    case 'sinks':
      return (await store.getSink(id)) ?? null;
    case 'users': {
      const user = await store.getUser(id);
      return user ? { id: user.id, username: user.username, role: user.role, disabledAt: user.disabledAt } : null;
    }
    case 'tokens': {
      const token = await store.getApiToken(id);
      return token ? { id: token.id, name: token.name, userId: token.userId, scopes: token.scopes, expiresAt: token.expiresAt } : null;
    }
    case 'rules': {
      const enabled = (await store.ruleEnabledOverrides()).get(id);
      return { id, enabledOverride: enabled ?? null };
    }
    case 'saved-searches':
      return (await store.getSavedSearch(id)) ?? null;
    case 'alerts': {
      const alert = await store.getAlert(id);
      return alert ? { id: alert.id, status: alert.status, ruleId: alert.ruleId } : null;
    }
    default:
      return null;
  }
}

/** Writes one entry (the server's: the audit row and its Zoomtrail.Audit event, src/app/audit-events.ts). */
export type AuditRecorder = (entry: NewAuditEntry) => Promise<unknown>;

interface Pending {
  action: string;
  objectType: string;
  objectId: string | null;
  before: unknown;
}

/**
 * Installs the recorder's hooks on the server (before the route plugins, so they see every route).
 * `append` failing is logged, never turned into a failed answer (the action itself has happened).
 */
export function installAuditTrail(server: FastifyInstance, store: Store, recorder: AuditRecorder = (entry) => store.appendAudit(entry)): void {
  const pending = new WeakMap<FastifyRequest, Pending>();

  server.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method) || request.is404) return;
    const { action, objectType } = auditActionOf(request.method, request.routeOptions.url ?? request.url);
    const params = (request.params ?? {}) as Record<string, unknown>;
    const id = typeof params.id === 'string' ? params.id : undefined;
    pending.set(request, { action, objectType, objectId: id ?? null, before: maskSecrets(await snapshot(store, objectType, id)) });
  });

  server.addHook('onSend', async (request, reply, payload) => {
    const entry = pending.get(request);
    if (!entry) return payload;
    pending.delete(request);
    const status = reply.statusCode;
    // Refused requests change nothing: only sign-in attempts are kept when they fail.
    if (status >= 400 && entry.action !== 'auth.login' && entry.action !== 'auth.setup') return payload;
    try {
      let after: unknown = null;
      if (typeof payload === 'string' && status < 400 && payload.startsWith('{')) after = maskSecrets(JSON.parse(payload));
      else if (status < 400) after = maskSecrets(await snapshot(store, entry.objectType, entry.objectId ?? undefined));
      const body = request.body;
      const record: NewAuditEntry = {
        ...actorOf(request, body, status),
        address: request.ip ?? null,
        action: status >= 400 ? `${entry.action}.failed` : entry.action,
        objectType: entry.objectType,
        objectId: entry.objectId ?? objectIdOf(after),
        outcome: status >= 400 ? 'failed' : 'ok',
        status,
        before: entry.before,
        after,
        change: body === undefined || body === null ? null : maskSecrets(body),
      };
      await recorder(record);
    } catch (error) {
      request.log.error({ err: error, action: entry.action }, 'audit trail: the entry could not be written');
    }
    return payload;
  });
}

function actorOf(request: FastifyRequest, body: unknown, status: number): { actor: string; actorKind: AuditActorKind } {
  const user = request.user;
  if (user?.via === 'token') return { actor: user.token?.name ?? user.username, actorKind: 'token' };
  if (user) return { actor: user.username, actorKind: 'user' };
  // Sign-in and setup: the name they gave (no session yet); a user once it worked.
  const given = body !== null && typeof body === 'object' ? (body as { username?: unknown }).username : undefined;
  if (typeof given !== 'string') return { actor: 'anonymous', actorKind: 'anonymous' };
  return { actor: given.slice(0, 64), actorKind: status < 400 ? 'user' : 'anonymous' };
}

function objectIdOf(after: unknown): string | null {
  if (after === null || typeof after !== 'object') return null;
  const id = (after as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}
