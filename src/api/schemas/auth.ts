import { Type } from 'typebox';
import { ROLES, SCOPES } from '../../domain/access-scope.js';
import { Nullable, StringEnum } from './common.js';

/**
 * Session, setup, login, API tokens (public: GET /api/session, POST /api/setup, POST /api/login).
 * POST /api/logout -> 204. GET /api/tokens -> { tokens }; POST /api/tokens { name } -> 201 ApiTokenCreated; DELETE /api/tokens/:id -> 204.
 */

export const MIN_PASSWORD_LENGTH = 12;

/** GET /api/session */
export const SessionInfoSchema = Type.Object({
  authenticated: Type.Boolean(),
  username: Nullable(Type.String()),
  /** admin, analyst or viewer; null when not signed in. */
  role: Type.Unsafe<(typeof ROLES)[number] | null>({ type: ['string', 'null'], enum: [...ROLES, null] }),
  /** Send as `X-CSRF-Token` on every POST/PATCH/PUT/DELETE made with the session cookie. */
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on every POST/PATCH/PUT/DELETE made with the session cookie.' })),
  /** No admin exists yet: the console shows "use the setup link printed at start". */
  setupRequired: Type.Boolean(),
  /** Single sign-on (OpenID Connect) is configured: the console offers "Sign in with SSO" (GET /api/auth/oidc/start). */
  sso: Type.Optional(Type.Boolean()),
});

/**
 * POST /api/setup (one-time token from a setup link) -> SessionInfo, sets the cookie. The link of `admin create`
 * creates an admin, an invitation a user with its role; a password-reset link sets the password of the user it
 * was made for (`username` must be theirs).
 */
export const SetupRequestSchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
    /** At least 12 characters. */
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

/** POST /api/login -> SessionInfo, sets the cookie. 401 on a wrong user or password (same message for both). */
export const LoginRequestSchema = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

const apiTokenView = {
  id: Type.String(),
  name: Type.String(),
  /** The user the token acts for (it can never do more than they can). */
  username: Type.String(),
  scopes: Type.Array(StringEnum(SCOPES)),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  /** null: never expires. */
  expiresAt: Nullable(Type.String()),
};
export const ApiTokenViewSchema = Type.Object(apiTokenView);
export const ApiTokenListSchema = Type.Object({ tokens: Type.Array(ApiTokenViewSchema) });
export const ApiTokenCreatedSchema = Type.Object({
  ...apiTokenView,
  /** Shown once; only its hash is stored. Use as `Authorization: Bearer <token>`. */
  token: Type.String({ description: 'Shown once: use as Authorization: Bearer <token>.' }),
});
/** POST /api/tokens: scopes default to every scope the caller holds; 403 when asking for more than the caller has. */
export const CreateApiTokenRequestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(Type.Array(StringEnum(SCOPES), { minItems: 1, maxItems: SCOPES.length, uniqueItems: true })),
    /** ISO date-time; absent: never expires. */
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

/** POST /api/me/password: change your own password (your other sessions end). */
export const ChangePasswordRequestSchema = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }) },
  { additionalProperties: false },
);


/** GET /api/auth/oidc/callback: what the identity provider sends back (a browser navigation, not in the API document). */
export const OidcCallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    iss: Type.Optional(Type.String({ maxLength: 2048 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 2048 })),
    session_state: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: true },
);
