import { Type } from 'typebox';
import { MAX_QUERY_LENGTH } from '../../domain/event-query.js';
import { IsoTime } from './common.js';

/** Saved event searches (GET/POST /api/saved-searches, PATCH/DELETE /api/saved-searches/:id, GET .../:id/detection). */

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Query = Type.String({ maxLength: MAX_QUERY_LENGTH, description: 'A query in the query language (docs/query-language.md)' });

export const SavedSearchViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  /** Shared with every user (else only its owner sees it). */
  shared: Type.Boolean(),
  ownerName: Type.String(),
  /** The caller owns it. */
  mine: Type.Boolean(),
  /** The caller may change or delete it (its owner; an admin for a shared one). */
  canEdit: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export const SavedSearchListSchema = Type.Object({ savedSearches: Type.Array(SavedSearchViewSchema) });
export const CreateSavedSearchSchema = Type.Object({ name: Name, query: Query, shared: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
export const SavedSearchPatchSchema = Type.Object({ name: Type.Optional(Name), query: Type.Optional(Query), shared: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
/** GET /api/saved-searches/:id/detection: a YAML rule to copy into ZOOMTRAIL_RULES_DIR. */
export const SavedSearchDetectionSchema = Type.Object({
  ruleId: Type.String(),
  fileName: Type.String(),
  yaml: Type.String(),
  notes: Type.Array(Type.String()),
});
/** POST /api/saved-searches/:id/detection: the detection made, as added to the rules directory (and loaded). */
export const MadeDetectionSchema = Type.Object({
  ruleId: Type.String(),
  fileName: Type.String(),
  /** Where the rule file is (in the rules directory, ZOOMTRAIL_RULES_DIR). */
  file: Type.String(),
  /** What of the query the rule leaves out (e.g. its time range). */
  notes: Type.Array(Type.String()),
});
