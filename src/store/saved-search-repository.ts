import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { NewSavedSearch, SavedSearchChange, SavedSearchRecord, SavedSearchStore } from './saved-search-store.js';
import type { SavedSearchesTable, StoreTables } from './store-tables.js';

/** Saved searches through Kysely: single statements, dialect-neutral, shared by every store. */
export class SavedSearchRepository implements SavedSearchStore {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async createSavedSearch(input: NewSavedSearch): Promise<SavedSearchRecord> {
    const now = this.clock.now();
    const row = {
      id: randomUUID(),
      owner_id: input.ownerId,
      owner_name: input.ownerName,
      name: input.name,
      query: input.query,
      shared: input.shared ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('saved_searches').values(row).execute();
    return toRecord(row);
  }

  async listSavedSearches(userId: string): Promise<SavedSearchRecord[]> {
    const rows = await this.db
      .selectFrom('saved_searches')
      .selectAll()
      .where((eb) => eb.or([eb('owner_id', '=', userId), eb('shared', '=', 1)]))
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async getSavedSearch(id: string): Promise<SavedSearchRecord | undefined> {
    const row = await this.db.selectFrom('saved_searches').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async updateSavedSearch(id: string, change: SavedSearchChange): Promise<SavedSearchRecord | undefined> {
    const set: Partial<Selectable<SavedSearchesTable>> = { updated_at: this.clock.now() };
    if (change.name !== undefined) set.name = change.name;
    if (change.query !== undefined) set.query = change.query;
    if (change.shared !== undefined) set.shared = change.shared ? 1 : 0;
    const result = await this.db.updateTable('saved_searches').set(set).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? this.getSavedSearch(id) : undefined;
  }

  async deleteSavedSearch(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('saved_searches').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRecord(row: Selectable<SavedSearchesTable>): SavedSearchRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    name: row.name,
    query: row.query,
    shared: Number(row.shared) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
