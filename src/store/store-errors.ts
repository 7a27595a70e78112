import { ActionableError, ConflictError, NotFoundError } from '../shared/actionable-error.js';

/** The environment variable that holds the key encrypting stored credentials. */
export const SECRET_KEY_ENV = 'ZOOMTRAIL_SECRET_KEY';

/** A source id that names no source. */
export class UnknownSourceError extends NotFoundError {
  override readonly name = 'UnknownSourceError';

  constructor(readonly sourceId: string) {
    super('unknown_source', `There is no source with id "${sourceId}".`, 'Run `zoomtrail source list` to see the source ids.');
  }
}

/** An alert id that names no alert. */
export class UnknownAlertError extends NotFoundError {
  override readonly name = 'UnknownAlertError';

  constructor(readonly alertId: string) {
    super('unknown_alert', `There is no alert with id "${alertId}".`, 'Run `zoomtrail alerts list` to see the alert ids.');
  }
}

/** A destination id or name that names no destination. */
export class UnknownDestinationError extends NotFoundError {
  override readonly name = 'UnknownDestinationError';

  constructor(readonly destination: string) {
    super('unknown_destination', `There is no destination "${destination}".`, 'Run `zoomtrail destination list` to see the destinations.');
  }
}

/** A destination name already taken. */
export class DuplicateDestinationError extends ConflictError {
  override readonly name = 'DuplicateDestinationError';

  constructor(readonly destination: string) {
    super(
      'duplicate_destination',
      `A destination named "${destination}" exists already.`,
      'Choose another --name, or remove the existing one with `zoomtrail destination remove`.',
    );
  }
}

/**
 * The key that encrypts stored credentials is missing, malformed or wrong.
 * Built through the static constructors, one per situation; messages name the
 * key's origin (environment variable or key file), never the key.
 */
export class SecretKeyError extends ActionableError {
  override readonly name = 'SecretKeyError';

  private constructor(message: string, fix: string, options?: { cause?: unknown }) {
    super('secret_key', message, fix, options);
  }

  /** The key file is gone while the database holds secrets encrypted with it. */
  static missingKeyFile(keyFile: string): SecretKeyError {
    return new SecretKeyError(
      `The key file ${keyFile} is missing; the database holds encrypted secrets: restore the key file or set ${SECRET_KEY_ENV}.`,
      `Restore ${keyFile} from your backup, or set ${SECRET_KEY_ENV} to the key the secrets were encrypted with.`,
    );
  }

  /** A server database (PostgreSQL) has no data directory for a key file: the key must be given. */
  static missingServerKey(keyFile: string | null): SecretKeyError {
    return new SecretKeyError(
      keyFile
        ? `The key file ${keyFile} (ZOOMTRAIL_SECRET_KEY_FILE) does not exist; with DATABASE_URL=postgres://... the key that encrypts stored credentials must be given.`
        : `${SECRET_KEY_ENV} is not set; with DATABASE_URL=postgres://... there is no data directory for a key file, so the key that encrypts stored credentials must be given.`,
      `Set ${SECRET_KEY_ENV} to 64 hexadecimal characters (e.g. the output of \`openssl rand -hex 32\`), the same for every Zoomtrail instance on this database, ` +
        'or set ZOOMTRAIL_SECRET_KEY_FILE to a file holding it.',
    );
  }

  /** ZOOMTRAIL_SECRET_KEY is set but is not a 32-byte key. */
  static malformedEnvKey(keyFile: string | null): SecretKeyError {
    return new SecretKeyError(
      `${SECRET_KEY_ENV} is not a valid key: expected 64 hexadecimal characters or the base64 encoding of 32 bytes.`,
      `Set ${SECRET_KEY_ENV} to 64 hexadecimal characters (e.g. the output of \`openssl rand -hex 32\`)` + (keyFile ? `, or unset it to use the key file ${keyFile}.` : '.'),
    );
  }

  /** The key file exists but does not hold a 32-byte key. */
  static malformedKeyFile(keyFile: string): SecretKeyError {
    return new SecretKeyError(
      `The key file ${keyFile} does not hold a 32-byte key (expected 64 hexadecimal characters, base64 of 32 bytes, or 32 raw bytes).`,
      `Restore ${keyFile} from your backup, or set ${SECRET_KEY_ENV} to the key the secrets were encrypted with.`,
    );
  }

  /** The key decrypts nothing this database holds: it is not the key the secrets were sealed with. */
  static wrongKey(origin: KeyOrigin): SecretKeyError {
    const from = origin.kind === 'env' ? `from ${SECRET_KEY_ENV}` : origin.kind === 'file' ? `in ${origin.keyFile}` : 'in use';
    return new SecretKeyError(
      `The secret key ${from} does not decrypt this database's secrets: it is not the key they were encrypted with.`,
      origin.keyFile
        ? `Set ${SECRET_KEY_ENV} to the original key, or restore the original key file ${origin.keyFile} (and unset ${SECRET_KEY_ENV}).`
        : `Set ${SECRET_KEY_ENV} to the original key.`,
    );
  }

  /** One stored value fails to decrypt although the key is right, or is not a sealed value at all. */
  static damagedSecret(origin: KeyOrigin, cause?: unknown): SecretKeyError {
    return new SecretKeyError(
      'A stored secret could not be decrypted: it is damaged or was encrypted with another key.',
      `Check that ${SECRET_KEY_ENV}` + (origin.keyFile ? ` or the key file ${origin.keyFile}` : '') + ' holds the original key; otherwise set the source credentials again.',
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Where the secret key came from, for messages. */
export interface KeyOrigin {
  kind: 'env' | 'file' | 'ephemeral';
  /** The key file of the data directory, when there is a data directory. */
  keyFile: string | null;
}

/** The data directory cannot be created, read or written. */
export class DataDirError extends ActionableError {
  override readonly name = 'DataDirError';

  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('data_dir', `The data directory ${path} cannot be used: ${reason}.`, 'Choose a writable directory with --data-dir, or fix the permissions of this one.', options);
  }

  /** Builds the error from an OS error (`ENOTDIR`, `EACCES`, ...), naming the reason in words. */
  static fromOsError(path: string, action: string, error: unknown): DataDirError {
    return new DataDirError(path, `${action} failed: ${osReason(error)}`, { cause: error });
  }
}

const OS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'the path exists and is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ENOENT: 'no such file or directory',
};

function osReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && OS_REASONS[code]) return `${code} (${OS_REASONS[code]})`;
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}

/** The database was written by a newer Zoomtrail: its schema has migrations this version does not know. */
export class StoreSchemaError extends ActionableError {
  override readonly name = 'StoreSchemaError';

  constructor(
    readonly location: string,
    readonly unknownMigrations: string[],
  ) {
    super(
      'store_schema',
      `The database ${location} was written by a newer version of Zoomtrail (unknown schema migrations: ${unknownMigrations.join(', ')}).`,
      'Upgrade Zoomtrail to the version that wrote this database, or use another data directory with --data-dir.',
    );
  }
}

/**
 * A read-only open (`openSqliteStore({ readOnly: true })`) found a database it
 * cannot serve without writing: none yet, schema migrations to run, or no key
 * check. The CLI's read-only commands then open it for writing instead.
 */
export class StoreNotReadyError extends ActionableError {
  override readonly name = 'StoreNotReadyError';

  constructor(
    readonly location: string,
    readonly reason: string,
  ) {
    super(
      'store_not_ready',
      `The database ${location} cannot be opened read-only: ${reason}.`,
      'Open it once for writing, which creates or migrates it: run any command that is not a read-only listing, e.g. `zoomtrail source add` or `zoomtrail start`.',
    );
  }
}

/** A username already taken. */
export class DuplicateUserError extends ConflictError {
  override readonly name = 'DuplicateUserError';

  constructor(readonly username: string) {
    super('duplicate_user', `A user named "${username}" exists already.`, 'Choose another username, or sign in as that user.');
  }
}

/** A change that would leave no enabled admin (demoting or disabling the last one): refused, so nobody is locked out. */
export class LastAdminError extends ConflictError {
  override readonly name = 'LastAdminError';

  constructor(readonly username: string) {
    super(
      'last_admin',
      `"${username}" is the last enabled admin: demoting or disabling them would leave nobody able to administer Zoomtrail.`,
      'Make another user an admin first.',
    );
  }
}

/**
 * A write by an instance whose lease on the source expired and was taken by
 * another: refused, so a paused or partitioned process never writes over its
 * successor. The instance stops collecting the source; nothing is lost (the
 * successor reads the same windows).
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';

  constructor(
    readonly sourceId: string,
    readonly token: number,
  ) {
    super(`The lease on source ${sourceId} (token ${token}) was taken by another instance; this write was refused.`);
  }
}

/** A sink id or name that names no sink. */
export class UnknownSinkError extends NotFoundError {
  override readonly name = 'UnknownSinkError';

  constructor(readonly sink: string) {
    super('unknown_sink', `There is no sink "${sink}".`, 'Run `zoomtrail sink list` to see the sinks.');
  }
}

/** A sink name already taken. */
export class DuplicateSinkError extends ConflictError {
  override readonly name = 'DuplicateSinkError';

  constructor(readonly sink: string) {
    super('duplicate_sink', `A sink named "${sink}" exists already.`, 'Choose another --name, or remove the existing one with `zoomtrail sink remove`.');
  }
}
