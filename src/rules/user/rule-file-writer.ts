import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A rule file that is already in the rules directory: nothing was written. */
export class RuleFileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists`);
  }
}

/**
 * Adds a new rule file to the rules directory (created if missing) and
 * returns its path; never replaces one (RuleFileExistsError). The text is
 * written to a hidden temporary file first (the rule set skips dot files) and
 * linked into place, so a reload never reads half a file.
 */
export async function addRuleFile(dir: string, fileName: string, text: string): Promise<string> {
  if (fileName !== path.basename(fileName) || fileName.startsWith('.')) throw new Error(`not a plain file name: ${fileName}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, fileName);
  const temporary = path.join(dir, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temporary, text, { flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RuleFileExistsError(file);
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return file;
}
