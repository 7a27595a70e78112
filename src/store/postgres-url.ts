import { ActionableError } from '../shared/actionable-error.js';

/** Whether a DATABASE_URL names PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with any password replaced by `***` (`postgres://user:***@host/db`), for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
  });
}

/** PostgreSQL at DATABASE_URL cannot be reached or refuses the connection. */
export class DatabaseConnectionError extends ActionableError {
  override readonly name = 'DatabaseConnectionError';

  constructor(url: string, cause: unknown) {
    const reason = describe(cause).split(url).join(redactDatabaseUrl(url));
    super(
      'database_unreachable',
      `Cannot connect to the PostgreSQL database at ${redactDatabaseUrl(url)} (DATABASE_URL): ${reason}.`,
      'Check that PostgreSQL is running and reachable, and that DATABASE_URL names the right host, port, database, user and password ' +
        '(postgres://user:password@host:5432/database); or unset DATABASE_URL to use the embedded SQLite store under --data-dir.',
      { cause },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code} (${message})` : message;
}
