/**
 * A failure outside Zoom that the user can fix: a bad setting, an unwritable
 * data directory, a wrong secret key, an unknown source. `code` is stable for
 * scripts; `fix` says what to change, in words. Messages never hold a secret.
 */
export class ActionableError extends Error {
  override readonly name: string = 'ActionableError';

  constructor(
    readonly code: string,
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: string; message: string; fix: string } {
    return { code: this.code, message: this.message, fix: this.fix };
  }
}

/** An id or name that names nothing (the API answers 404). */
export class NotFoundError extends ActionableError {
  override readonly name: string = 'NotFoundError';
}

/** A name already taken, or a state that forbids the change (the API answers 409). */
export class ConflictError extends ActionableError {
  override readonly name: string = 'ConflictError';
}

/** Input the user can correct (the API answers 400). */
export class InvalidInputError extends ActionableError {
  override readonly name: string = 'InvalidInputError';
}
