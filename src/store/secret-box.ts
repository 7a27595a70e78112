import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataDirError, type KeyOrigin, SecretKeyError } from './store-errors.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Name of the key file inside the data directory. */
export const KEY_FILE_NAME = 'secret.key';

/**
 * AES-256-GCM encryption of short secrets (client secrets, refresh tokens) for
 * storage. A sealed value is text: `v1:<iv b64>:<tag b64>:<ciphertext b64>`,
 * with a fresh random 12-byte IV each time. `open` never returns garbage: a
 * wrong key or a damaged value fails authentication and throws SecretKeyError.
 *
 * `associatedData` (optional, e.g. `sources/src_x/client_secret`) binds a
 * sealed value to where it is stored, so it cannot be moved to another row.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(
    key: Buffer,
    readonly origin: KeyOrigin = { kind: 'ephemeral', keyFile: null },
  ) {
    if (key.length !== KEY_BYTES) throw new RangeError(`SecretBox needs a ${KEY_BYTES}-byte key`);
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, associatedData?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** The plaintext; throws SecretKeyError when the value fails authentication (wrong key, damaged, moved). */
  open(sealed: string, associatedData?: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) throw SecretKeyError.damagedSecret(this.origin);
    const [, ivText, tagText, dataText] = parts as [string, string, string, string];
    const iv = Buffer.from(ivText, 'base64');
    const tag = Buffer.from(tagText, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw SecretKeyError.damagedSecret(this.origin);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
      if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw SecretKeyError.damagedSecret(this.origin, error);
    }
  }
}

/**
 * Parses a key written as 64 hexadecimal characters or as the base64 of 32
 * bytes (surrounding whitespace ignored). Returns undefined for anything else.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed) || /^[A-Za-z0-9_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

export interface ResolveSecretKeyOptions {
  /** The text of ZOOMTRAIL_SECRET_KEY, as configured; undefined or blank = not set. */
  secretKey: string | undefined;
  /** The data directory holding the key file; null for an in-memory store (no key file: the key is ephemeral). */
  dataDir: string | null;
  /** Whether the database already holds encrypted values (then a missing key file is an error, not a first run). */
  hasEncryptedData: boolean;
}

export interface ResolvedSecretKey {
  key: Buffer;
  origin: KeyOrigin;
  /** True when this call created the key file. */
  created: boolean;
}

/**
 * Finds the key that encrypts stored secrets: `ZOOMTRAIL_SECRET_KEY` when set,
 * else the key file `<dataDir>/secret.key`, created (mode 0600, 64 hex
 * characters, so it can be copied into the variable) on the first run only:
 * when the database already holds encrypted data, a missing key file is a
 * SecretKeyError rather than a silent new key. Without a data directory
 * (in-memory stores) and without the variable, the key is random and lives
 * only as long as the process.
 */
export function resolveSecretKey(options: ResolveSecretKeyOptions): ResolvedSecretKey {
  const keyFile = options.dataDir === null ? null : join(options.dataDir, KEY_FILE_NAME);
  const fromEnv = options.secretKey;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const key = parseSecretKey(fromEnv);
    if (!key) throw SecretKeyError.malformedEnvKey(keyFile);
    return { key, origin: { kind: 'env', keyFile }, created: false };
  }
  if (options.dataDir === null || keyFile === null) {
    return { key: randomBytes(KEY_BYTES), origin: { kind: 'ephemeral', keyFile: null }, created: false };
  }
  const origin: KeyOrigin = { kind: 'file', keyFile };
  const existing = readKeyFile(keyFile);
  if (existing) return { key: existing, origin, created: false };
  if (options.hasEncryptedData) throw SecretKeyError.missingKeyFile(keyFile);
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readKeyFile(keyFile);
      if (raced) return { key: raced, origin, created: false };
    }
    throw DataDirError.fromOsError(options.dataDir, `creating the key file ${keyFile}`, error);
  }
  return { key, origin, created: true };
}

/** A warning when the key file can be read or written by others than its owner (its mode allows group or other access). */
export function looseKeyFileWarning(keyFile: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(keyFile).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  return `The secret key file ${keyFile} can be read by other users (mode ${(mode & 0o777).toString(8)}): anyone who reads it can decrypt the stored Zoom secrets. Fix: chmod 600 ${keyFile}`;
}

/** The key in the file, undefined when there is no file; SecretKeyError when it holds no 32-byte key. */
export function readKeyFile(keyFile: string): Buffer | undefined {
  let content: Buffer;
  try {
    content = readFileSync(keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw DataDirError.fromOsError(dirname(keyFile), `reading the key file ${keyFile}`, error);
  }
  const key = parseSecretKey(content.toString('latin1')) ?? (content.length === KEY_BYTES ? content : undefined);
  if (!key) throw SecretKeyError.malformedKeyFile(keyFile);
  return key;
}
