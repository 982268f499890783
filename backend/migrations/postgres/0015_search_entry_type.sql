-- Search (issue 15), at a million documents:
--
-- The entry holds the document's type and urgency, so the search filters by them on the rows its words
-- matched. As sets of the agency's documents of that type, a common phrase filtered by type probed a set of
-- thousands for each match (462 ms p95). Both change only in an edit, which is audited and therefore
-- reindexed in its transaction (Store::audit_document → Store::reindex_document). Status changes at every step
-- and stays a set.
--
-- `words` now holds each word and each pair of neighbouring words as one term, without positions
-- (backend/src/store/search_words.rs, `pg_terms`): a query of several words asks for its pairs, which the GIN
-- index answers exactly, where a phrase (`<->`) made PostgreSQL recheck the positions of every candidate in the
-- heap. The old terms cannot answer the new queries, so the entries are emptied and rebuilt when the server
-- starts (Store::index_missing_documents; docs/OPERATIONS.md, "The search index").
TRUNCATE search_entries;
ALTER TABLE search_entries ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
ALTER TABLE search_entries ADD COLUMN urgency  TEXT NOT NULL DEFAULT '';
