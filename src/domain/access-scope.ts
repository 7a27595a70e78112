/**
 * Who may do what: a user's role and an API token's scopes map to one set of
 * scopes, and every route declares the one scope it needs (build-server.ts).
 *
 * - `read`: see everything (sources, events, alerts, rules, health), change nothing.
 * - `triage`: `read`, and change alerts (acknowledge, resolve, comment) and backtest rules.
 * - `admin`: everything (sources, destinations, rules, users, tokens, the audit trail).
 * - `metrics`: GET /metrics only (give Prometheus a token with just this scope).
 */
export const SCOPES = ['read', 'triage', 'admin', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What each scope includes (a token with `admin` can do what `triage` and `read` can). */
const IMPLIED: Readonly<Record<Scope, readonly Scope[]>> = {
  read: ['read'],
  triage: ['triage', 'read'],
  admin: ['admin', 'triage', 'read', 'metrics'],
  metrics: ['metrics'],
};

/** The scopes a role holds: admin everything; analyst triage (and read) and metrics; viewer read and metrics. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ['admin'],
  analyst: ['triage', 'metrics'],
  viewer: ['read', 'metrics'],
};

/** Every scope `scopes` grant, implied ones included. */
export function expandScopes(scopes: readonly Scope[]): Set<Scope> {
  return new Set(scopes.flatMap((s) => IMPLIED[s]));
}

/** What a caller may do: its role's scopes, narrowed to the token's scopes when it came with a token. */
export function grantedScopes(role: Role, tokenScopes?: readonly Scope[]): Set<Scope> {
  const byRole = expandScopes(ROLE_SCOPES[role]);
  if (tokenScopes === undefined) return byRole;
  const byToken = expandScopes(tokenScopes);
  return new Set([...byRole].filter((s) => byToken.has(s)));
}

/** The scopes among `wanted` (implied ones included) that `granted` lacks: a caller cannot hand out more than it has. */
export function scopesBeyond(wanted: readonly Scope[], granted: ReadonlySet<Scope>): Scope[] {
  return [...expandScopes(wanted)].filter((s) => !granted.has(s));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
