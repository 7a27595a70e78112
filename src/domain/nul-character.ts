/**
 * U+0000 (NUL): valid in JSON and in Zoom's answers, but PostgreSQL can store it
 * neither in `text` nor in `jsonb`. Zoomtrail treats it the same on both
 * stores: a Zoom record holding one is kept as a classification failure that
 * names the field, and an API request holding one is refused with 400.
 */
const NUL = '\u0000';

/** `\u0000` written out, so a name holding NUL can be shown and stored. */
export function showNul(text: string): string {
  return text.split(NUL).join('\\u0000');
}

/** The path (`operator`, `changes[2].name`) of the first string or key holding NUL in `value`, or undefined. */
export function findNulPath(value: unknown, path = ''): string | undefined {
  // The common case (no NUL anywhere) is answered without building a path for every field.
  return holdsNul(value) ? nulPath(value, path) : undefined;
}

/** Whether any string or key in `value` holds NUL. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsNul(item)) return true;
    return false;
  }
  for (const key in value) if (key.includes(NUL) || holdsNul((value as Record<string, unknown>)[key])) return true;
  return false;
}

function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const child = path === '' ? showNul(key) : `${path}.${showNul(key)}`;
    if (key.includes(NUL)) return child;
    const found = nulPath((value as Record<string, unknown>)[key], child);
    if (found !== undefined) return found;
  }
  return undefined;
}
