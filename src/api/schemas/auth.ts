import { Type } from 'typebox';
import { Nullable } from './common.js';

/**
 * Session, setup, login, API tokens (public: GET /api/session, POST /api/setup, POST /api/login).
 * POST /api/logout -> 204. GET /api/tokens -> { tokens }; POST /api/tokens { name } -> 201 ApiTokenCreated; DELETE /api/tokens/:id -> 204.
 */

export const MIN_PASSWORD_LENGTH = 12;

/** GET /api/session */
export const SessionInfoSchema = Type.Object({
  authenticated: Type.Boolean(),
  username: Nullable(Type.String()),
  /** Send as `X-CSRF-Token` on every POST/PATCH/PUT/DELETE made with the session cookie. */
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on every POST/PATCH/PUT/DELETE made with the session cookie.' })),
  /** No admin exists yet: the console shows "use the setup link printed at start". */
  setupRequired: Type.Boolean(),
});

/** POST /api/setup (one-time token from the printed setup link) -> SessionInfo, sets the cookie. */
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

const apiTokenView = { id: Type.String(), name: Type.String(), createdAt: Type.String(), lastUsedAt: Nullable(Type.String()) };
export const ApiTokenViewSchema = Type.Object(apiTokenView);
export const ApiTokenListSchema = Type.Object({ tokens: Type.Array(ApiTokenViewSchema) });
export const ApiTokenCreatedSchema = Type.Object({
  ...apiTokenView,
  /** Shown once; only its hash is stored. Use as `Authorization: Bearer <token>`. */
  token: Type.String({ description: 'Shown once: use as Authorization: Bearer <token>.' }),
});
export const CreateApiTokenRequestSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

