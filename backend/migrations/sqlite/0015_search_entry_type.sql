-- Search (issue 15): the entry holds the document's type and urgency, so the search filters by them on the rows
-- its words matched. As sets of the agency's documents of that type, a common phrase filtered by type probed
-- a set of thousands for each match (134 ms p95 on SQLite, 462 ms on PostgreSQL at a million documents).
-- Both change only in an edit, which is audited and therefore reindexed in its transaction
-- (Store::audit_document → Store::reindex_document). Status changes at every step and stays a set.
-- The words in `search_words` stay as they are: a query of several words now asks FTS5 for the two-word phrases
-- of its neighbouring words (backend/src/store/search_words.rs), which the same positions answer.
ALTER TABLE search_entries ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
ALTER TABLE search_entries ADD COLUMN urgency  TEXT NOT NULL DEFAULT '';
UPDATE search_entries SET (doc_type, urgency) =
    (SELECT d.doc_type, d.urgency FROM outgoing_documents d WHERE d.id = search_entries.doc_id)
    WHERE kind = 'outgoing';
UPDATE search_entries SET (doc_type, urgency) =
    (SELECT i.doc_type, i.urgency FROM incoming_documents i WHERE i.id = search_entries.doc_id)
    WHERE kind = 'incoming';
