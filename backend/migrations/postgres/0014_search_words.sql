-- Search, second design (issue 15): a word index partitioned by agency. Every word of a document is indexed
-- as `a{agency}z{word}` (backend/src/store/search_words.rs), so a query reads only its agency's posting lists
-- instead of the province's; the trigram indexes matched `LIKE '%…%'` over the whole province, or the planner
-- scanned the agency's rows for common phrases, which does not hold at a million documents.
--
-- `words` is `to_tsvector('simple', …)` of those words, written by the store in the transaction of the change;
-- the `simple` configuration neither stems nor drops stop words, and keeps positions for phrases (`<->`).
DROP INDEX search_entries_meta;
DROP INDEX search_entries_content;
ALTER TABLE search_entries ADD COLUMN words tsvector NOT NULL DEFAULT ''::tsvector;
-- The entries are rebuilt from the documents when the server starts (Store::index_missing_documents).
DELETE FROM search_entries;
CREATE INDEX search_entries_words ON search_entries USING gin (words);
