-- Search, second design (issue 15): a word index partitioned by agency, and entries laid out by agency.
--
-- Every word of a document is indexed as `a{agency}z{word}` (backend/src/store/search_words.rs), so a query
-- reads only its agency's posting lists instead of the province's; `words` is `to_tsvector('simple', …)` of
-- them (no stemming, no stop words, positions for phrases with `<->`). The table is hash-partitioned by agency
-- (64 partitions, about four agencies each), so the rows a common phrase must recheck sit in one small
-- partition instead of one heap page per match across the province; the GIN index is per partition too. The
-- id is `agency_id * 2^41 + (incoming ? 2^40 : 0) + doc_id` (store::search::entry_id). An entry holds only
-- what the query filters and ranks by; what it shows is read from the documents for the page alone. The
-- trigram design (0008) matched `LIKE '%…%'` over the province and joined every match to its document before
-- sorting; at a million documents that cost 10–45 ms a query.
DROP TABLE search_entries;
CREATE TABLE search_entries (
    id           BIGINT NOT NULL,                            -- store::search::entry_id(agency_id, kind, doc_id)
    kind         TEXT   NOT NULL CHECK (kind IN ('outgoing', 'incoming')),
    doc_id       BIGINT NOT NULL,
    agency_id    BIGINT NOT NULL REFERENCES agencies(id),   -- the agency whose people may find it
    doc_date     BIGINT NOT NULL,                            -- issued (or created) / arrived, ms
    unit_id      BIGINT,                                     -- drafting unit / lead unit
    number_key   TEXT   NOT NULL,                            -- folded số, ký hiệu: 12/qd-ubnd
    number_head  TEXT   NOT NULL,                            -- its number alone: 12
    title        TEXT   NOT NULL,                            -- folded trích yếu
    words_sha256 TEXT   NOT NULL,                            -- of the indexed words: rewrite them only on change
    words        tsvector NOT NULL,
    PRIMARY KEY (agency_id, id)
) PARTITION BY HASH (agency_id);
DO $$
BEGIN
    FOR k IN 0..63 LOOP
        EXECUTE format('CREATE TABLE search_entries_%s PARTITION OF search_entries '
                       'FOR VALUES WITH (MODULUS 64, REMAINDER %s)', k, k);
    END LOOP;
END $$;
CREATE INDEX search_entries_words ON search_entries USING gin (words);
-- What a person who is not agency staff took part in, as sets the search intersects with its matches.
CREATE INDEX document_history_actor ON document_history(actor_id, document_id);
CREATE INDEX assignments_user_incoming ON assignments(user_id, incoming_id);
CREATE INDEX assignments_unit_incoming ON assignments(unit_id, incoming_id);
-- The entries are rebuilt from the documents when the server starts (Store::index_missing_documents).
