import { type DatabaseIntrospector, type DatabaseMetadata, type Kysely, PostgresDialect, type SchemaMetadata, type TableMetadata, sql } from 'kysely';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  has_default: boolean;
}

/**
 * What the store's migrations ask of the database (which tables exist), read from its own
 * schema only. Kysely's PostgreSQL introspector reads every schema of the database, and a
 * schema another process drops meanwhile (another Zoomtrail's test schema, an operator's
 * clean-up) failed that read with "schema ... does not exist": opening the store failed.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.#db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select table_name, column_name, data_type, is_nullable, column_default is not null as has_default
      from information_schema.columns
      where table_schema = current_schema()
      order by table_name, ordinal_position`.execute(this.#db);
    const [{ name: schema } = { name: undefined }] = await this.getSchemas();
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      let table = tables.get(row.table_name);
      if (!table) {
        table = { name: row.table_name, isView: false, columns: [], ...(schema === undefined ? {} : { schema }) };
        tables.set(row.table_name, table);
      }
      table.columns.push({ name: row.column_name, dataType: row.data_type, isNullable: row.is_nullable === 'YES', isAutoIncrementing: false, hasDefaultValue: row.has_default });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** Kysely's PostgresDialect whose introspection stays in the connection's current schema. */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
