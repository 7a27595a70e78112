import { Type } from 'typebox';
import { ROLES } from '../../domain/access-scope.js';
import { Nullable, StringEnum } from './common.js';

/**
 * User management (admin only): GET /api/users -> { users }; POST /api/users/invitations { role } -> OneTimeLink;
 * PATCH /api/users/:id { role?, disabled? } -> UserView (409 for the last enabled admin);
 * POST /api/users/:id/password-reset -> OneTimeLink; DELETE /api/users/:id/sessions -> { ended }.
 */

export const UserViewSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: StringEnum(ROLES),
  createdAt: Type.String(),
  /** When the user was disabled; null while enabled. */
  disabledAt: Nullable(Type.String()),
});
export const UserListSchema = Type.Object({ users: Type.Array(UserViewSchema) });

export const InviteRequestSchema = Type.Object({ role: StringEnum(ROLES) }, { additionalProperties: false });

/** A one-time link (valid 24 hours, usable once): hand it to the person it is for. */
export const OneTimeLinkSchema = Type.Object({ link: Type.String(), expiresAt: Type.String() });

export const UserPatchSchema = Type.Object({ role: Type.Optional(StringEnum(ROLES)), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 });

export const EndedSessionsSchema = Type.Object({ ended: Type.Integer() });
