import { OPERATION_CATEGORY_FILTERS, type OperationCategoryFilter } from '../zoom/report-records.js';

/**
 * The operation-logs filter takes snake_case values (`user_settings`) while
 * records carry Title Case text (`User Settings`, `IM`, `Zoom Rooms`). Both are
 * reduced to one key so a filter matches its own category only: `user` does not
 * match `User Group`, exactly as the two are different categories in Zoom.
 */
export function categoryKey(category: string): string {
  return category
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function isCategoryFilter(value: string): value is OperationCategoryFilter {
  return (OPERATION_CATEGORY_FILTERS as readonly string[]).includes(value);
}

/** The key a filter selects, or undefined for "no filter" (`all`, absent). */
export function filterKey(filter: string | undefined): string | undefined {
  if (filter === undefined || filter === '') return undefined;
  const key = categoryKey(filter);
  return key === 'all' ? undefined : key;
}

/** Category key of a record value, tolerating malformed records (they match no filter). */
export function recordCategoryKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const category = (value as { category_type?: unknown }).category_type;
  return typeof category === 'string' ? categoryKey(category) : undefined;
}
