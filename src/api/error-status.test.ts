import { describe, expect, it } from 'vitest';
import { ActionableError, ConflictError, InvalidInputError, NotFoundError } from '../shared/actionable-error.js';
import { DuplicateDestinationError, DuplicateUserError, UnknownAlertError, UnknownDestinationError, UnknownSourceError } from '../store/store-errors.js';
import { errorResponse } from './build-server.js';

describe('errors map to HTTP statuses by class, not by code', () => {
  it("the store's unknown ids are 404, its duplicates 409, with code, message and fix", () => {
    for (const error of [new UnknownSourceError('src_x'), new UnknownAlertError('alt_x'), new UnknownDestinationError('d')]) {
      expect(errorResponse(error)).toEqual({ status: 404, body: { code: error.code, message: error.message, fix: error.fix } });
    }
    for (const error of [new DuplicateDestinationError('d'), new DuplicateUserError('u')]) expect(errorResponse(error).status).toBe(409);
  });

  it('the class decides, whatever the code says', () => {
    expect(errorResponse(new NotFoundError('gone', 'Gone.', 'Reload.')).status).toBe(404);
    expect(errorResponse(new ConflictError('taken', 'Taken.', 'Pick another.')).status).toBe(409);
    expect(errorResponse(new InvalidInputError('wrong', 'Wrong.', 'Correct it.')).status).toBe(400);
    // A plain ActionableError is the server's problem, even with a code that reads like a 404.
    expect(errorResponse(new ActionableError('unknown_thing', 'No thing.', 'Check.'))).toEqual({
      status: 500,
      body: { code: 'unknown_thing', message: 'No thing.', fix: 'Check.' },
    });
  });
});
