import type { Kysely } from 'kysely';
import { INTERNAL_SOURCE_ID } from '../domain/internal-source.js';
import type { SecretBox } from './secret-box.js';
import { SecretKeyError } from './store-errors.js';
import type { StoreTables } from './store-tables.js';

const KEY_CHECK = 'key_check';
const KEY_CHECK_PLAINTEXT = 'zoomtrail key check v1';

/**
 * Whether the database holds anything encrypted: a key check value or a
 * source (whose credentials are sealed; the internal source has none). Decides whether a missing key file
 * means a first run or a lost key.
 */
export async function hasEncryptedData(db: Kysely<StoreTables>): Promise<boolean> {
  if (await hasKeyCheck(db)) return true;
  const source = await db.selectFrom('sources').select('id').where('id', '<>', INTERNAL_SOURCE_ID).limit(1).executeTakeFirst();
  return source !== undefined;
}

/** Whether the database holds its key check value (written by the first writable open). */
export async function hasKeyCheck(db: Kysely<StoreTables>): Promise<boolean> {
  return (await db.selectFrom('meta').select('key').where('key', '=', KEY_CHECK).executeTakeFirst()) !== undefined;
}

/**
 * Proves the key is the one the database's secrets were sealed with, so a wrong
 * key fails at open with a clear message rather than at the first credential
 * read. Writes the check value (a sealed known constant) on the first run.
 */
export async function verifyKeyCheck(db: Kysely<StoreTables>, box: SecretBox): Promise<void> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', KEY_CHECK).executeTakeFirst();
  if (!row) {
    await db
      .insertInto('meta')
      .values({ key: KEY_CHECK, value: box.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return;
  }
  let opened: string;
  try {
    opened = box.open(row.value, KEY_CHECK);
  } catch {
    throw SecretKeyError.wrongKey(box.origin);
  }
  if (opened !== KEY_CHECK_PLAINTEXT) throw SecretKeyError.wrongKey(box.origin);
}
