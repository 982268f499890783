-- Search, second design (issue 15): a word index partitioned by agency, and entries laid out by agency.
--
-- Every word of a document is indexed as `a{agency}z{word}` (backend/src/store/search_words.rs), so a query
-- reads only its agency's posting lists instead of the province's. The entry's id is
-- `agency_id * 2^41 + (incoming ? 2^40 : 0) + doc_id` (store::search::entry_id), so an agency's entries sit
-- side by side in the table: a common phrase visits a few hundred neighbouring pages, not one page per match
-- scattered over the province's. An entry holds only what the query filters and ranks by; what it shows is
-- read from the documents for the page alone. The trigram design (0008) read every candidate of the province
-- and joined every match to its document before sorting; at a million documents that cost 30–70 ms a query.
--
-- The FTS5 table is contentless (the store writes the words in the transaction of the change, and nowhere
-- else); `contentless_delete` lets a changed document's row be replaced by its rowid (= search_entries.id).
-- `detail = full` keeps positions for phrases. The text is folded in Rust already: the tokenizer must not fold.
DROP TRIGGER search_entries_ai;
DROP TRIGGER search_entries_ad;
DROP TRIGGER search_entries_au;
DROP TABLE search_fts;
DROP TABLE search_entries;
CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,                        -- store::search::entry_id(agency_id, kind, doc_id)
    kind         TEXT    NOT NULL CHECK (kind IN ('outgoing', 'incoming')),
    doc_id       INTEGER NOT NULL,
    agency_id    INTEGER NOT NULL REFERENCES agencies(id),  -- the agency whose people may find it
    doc_date     INTEGER NOT NULL,                           -- issued (or created) / arrived, ms
    unit_id      INTEGER,                                    -- drafting unit / lead unit
    number_key   TEXT    NOT NULL,                           -- folded số, ký hiệu: 12/qd-ubnd
    number_head  TEXT    NOT NULL,                           -- its number alone: 12
    title        TEXT    NOT NULL,                           -- folded trích yếu
    words_sha256 TEXT    NOT NULL                            -- of the indexed words: rewrite them only on change
);
CREATE VIRTUAL TABLE search_words USING fts5(
    words, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0', detail = full
);
-- What a person who is not agency staff took part in, as sets the search intersects with its matches.
CREATE INDEX document_history_actor ON document_history(actor_id, document_id);
CREATE INDEX assignments_user_incoming ON assignments(user_id, incoming_id);
CREATE INDEX assignments_unit_incoming ON assignments(unit_id, incoming_id);
-- The entries are rebuilt from the documents when the server starts (Store::index_missing_documents).
