/**
 * Saved event searches: a named query-language query (docs/query-language.md),
 * owned by the user who saved it, private to them or shared with every user.
 */
export interface NewSavedSearch {
  ownerId: string;
  /** The owner's username when saved (shown beside shared searches). */
  ownerName: string;
  name: string;
  query: string;
  shared: boolean;
}

export interface SavedSearchRecord extends NewSavedSearch {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export type SavedSearchChange = Partial<Pick<NewSavedSearch, 'name' | 'query' | 'shared'>>;

export interface SavedSearchStore {
  createSavedSearch(input: NewSavedSearch): Promise<SavedSearchRecord>;
  /** The user's own searches and every shared one, by name (then id). */
  listSavedSearches(userId: string): Promise<SavedSearchRecord[]>;
  getSavedSearch(id: string): Promise<SavedSearchRecord | undefined>;
  /** The changed search, or undefined when there is none with this id. */
  updateSavedSearch(id: string, change: SavedSearchChange): Promise<SavedSearchRecord | undefined>;
  /** False when there was none with this id. */
  deleteSavedSearch(id: string): Promise<boolean>;
}
