-- Search (issue 15): direction, type, urgency and unit are now terms of the index beside the words
-- (backend/src/store/search_words.rs, `Facets`), so a filtered query reads only the entries that pass instead of
-- every match of its words. Entries written before hold no facets: the index is emptied and rebuilt when the
-- server starts (Store::index_missing_documents; docs/OPERATIONS.md, "The search index").
DELETE FROM search_entries;
INSERT INTO search_words (search_words) VALUES ('delete-all');
