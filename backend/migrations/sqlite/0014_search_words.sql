-- Search, second design (issue 15): a word index partitioned by agency. Every word of a document is indexed
-- as `a{agency}z{word}` (backend/src/store/search_words.rs), so a query reads only its agency's posting lists
-- instead of the province's; the trigram index read every candidate of the province and scanned the agency's
-- rows for common phrases, which does not hold at a million documents.
--
-- The FTS5 table is contentless (the words are written by the store, in the transaction of the change, and
-- nowhere else); `contentless_delete` lets a changed document's row be replaced by its rowid
-- (= search_entries.id). `detail = full` keeps positions for phrases. The text is folded in Rust already, so
-- the tokenizer must not fold it again.
DROP TRIGGER search_entries_ai;
DROP TRIGGER search_entries_ad;
DROP TRIGGER search_entries_au;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_words USING fts5(
    words, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0', detail = full
);
-- The entries are rebuilt from the documents when the server starts (Store::index_missing_documents).
DELETE FROM search_entries;
