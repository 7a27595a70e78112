// Re-exports the API contract (types only) so pages import from one place.
export type * from '../../src/api/api-types.ts';
