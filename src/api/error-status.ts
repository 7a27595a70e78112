import { ActionableError, ConflictError, InvalidInputError, NotFoundError } from '../shared/actionable-error.js';

/**
 * The HTTP status of a failure the user can fix, by its class: an unknown id
 * is a 404, a conflict a 409, input to correct a 400. Any other
 * ActionableError (a setting of the server, the secret key, the database) is
 * the server's problem: 500, still with its code, message and fix.
 */
const STATUS_BY_CLASS: ReadonlyArray<readonly [abstract new (...args: never[]) => ActionableError, number]> = [
  [NotFoundError, 404],
  [ConflictError, 409],
  [InvalidInputError, 400],
];

export function httpStatusOf(error: ActionableError): number {
  for (const [errorClass, status] of STATUS_BY_CLASS) if (error instanceof errorClass) return status;
  return 500;
}
