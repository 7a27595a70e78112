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
