import { coverageRecordFields } from '../../domain/coverage-digest.js';
import type { EventFormat } from './event-format.js';

/** The normalized event with its `p_` fields, as stored (and as the events API returns it). */
export const pantherFormat: EventFormat = {
  name: 'panther',
  description: 'the normalized event with its p_ fields, as stored (default)',
  format: (event) => event.event,
  formatCoverage: coverageRecordFields,
};
