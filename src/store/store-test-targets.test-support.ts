import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';
import { openPostgresStore } from './postgres-store.js';
import { redactDatabaseUrl } from './postgres-url.js';
import { openSqliteStore } from './sqlite-store.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';

/**
 * The stores the shared store suites run against, from `STORE` (default
 * `sqlite,postgres`; `STORE=sqlite` narrows). PostgreSQL is at
 * `ZOOMTRAIL_TEST_DATABASE_URL` (default the local `postgres://postgres@127.0.0.1:5432/test`);
 * its reachability is checked once (2 s). When it is unreachable the PostgreSQL
 * target is skipped with a printed reason, unless `CI=true`: then its suites fail.
 * Every PostgreSQL store opened gets a fresh schema (`zt_test_<random>`), dropped
 * in cleanup, so test files can run in parallel on one database.
 */
export type StoreKind = 'sqlite' | 'postgres';

export interface StoreTarget {
  kind: StoreKind;
  /** For suite names: `SQLite (file)`, `PostgreSQL`. */
  name: string;
  /** Why the target cannot run; undefined when it can. */
  unavailable?: string;
  open(options: StoreContractOptions): Promise<StoreUnderTest>;
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_DATABASE_URL = process.env.ZOOMTRAIL_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** A fresh schema name for one test store. */
export function newTestSchema(): string {
  return `zt_test_${randomBytes(6).toString('hex')}`;
}

/** A random 32-byte key as 64 hex characters (ZOOMTRAIL_SECRET_KEY). */
export function testSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/** Runs one statement on a connection of its own. */
export async function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `cannot connect to ${redactDatabaseUrl(TEST_DATABASE_URL)}: ${error instanceof Error ? error.message || error.name : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function selectedKinds(): StoreKind[] {
  const text = process.env.STORE?.trim() || 'sqlite,postgres';
  const kinds = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const kind of kinds) if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`STORE: unknown store ${JSON.stringify(kind)} (sqlite, postgres)`);
  return [...new Set(kinds)] as StoreKind[];
}

const sqliteTarget: StoreTarget = {
  kind: 'sqlite',
  name: 'SQLite (file)',
  async open({ clock, batchSize }) {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-store-'));
    const store = await openSqliteStore({ dataDir, clock, env: {}, batchSize });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function postgresTarget(unavailable: string | undefined): StoreTarget {
  return {
    kind: 'postgres',
    name: 'PostgreSQL',
    ...(unavailable === undefined ? {} : { unavailable }),
    async open({ clock, batchSize }) {
      const schema = newTestSchema();
      try {
        const store = await openPostgresStore({ url: TEST_DATABASE_URL, clock, env: { ZOOMTRAIL_SECRET_KEY: testSecretKey() }, batchSize, schema, maxConnections: 4 });
        return {
          store,
          cleanup: async () => {
            await store.close();
            await dropSchema(schema);
          },
        };
      } catch (error) {
        await dropSchema(schema).catch(() => undefined);
        throw error;
      }
    },
  };
}

async function resolveTargets(): Promise<StoreTarget[]> {
  const kinds = selectedKinds();
  const targets: StoreTarget[] = [];
  if (kinds.includes('sqlite')) targets.push(sqliteTarget);
  if (kinds.includes('postgres')) {
    const reason = await postgresUnavailable();
    if (reason !== undefined && process.env.CI !== 'true') {
      console.log(`skipping PostgreSQL store tests: ${reason} (set ZOOMTRAIL_TEST_DATABASE_URL, or STORE=sqlite)`);
    } else {
      targets.push(postgresTarget(reason));
    }
  }
  return targets;
}

/** The targets selected by STORE, resolved once per test file. */
export const STORE_TARGETS: readonly StoreTarget[] = await resolveTargets();

/**
 * Runs `suite` for every target; an unavailable target (PostgreSQL unreachable
 * under CI=true) gets one failing test naming the reason instead of its suite.
 */
export function forEachStoreTarget(suite: (target: StoreTarget) => void): void {
  for (const target of STORE_TARGETS) {
    if (target.unavailable !== undefined) {
      describe(`${target.name} store`, () => {
        it('is reachable (CI=true: the PostgreSQL store tests must run)', () => {
          throw new Error(`PostgreSQL store tests cannot run: ${target.unavailable}`);
        });
      });
      continue;
    }
    suite(target);
  }
}
