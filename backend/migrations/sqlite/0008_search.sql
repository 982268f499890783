-- Search (issue 15): one row per document with its searchable text folded in Rust (shared::text::fold_for_search:
-- lower case, no Vietnamese marks, đ → d), written in the same transaction as every change to the document.
-- SQLite indexes the text with FTS5's trigram tokenizer (substring search over an external-content table);
-- what the index cannot answer (queries under three characters, very common ones) is read from the agency's rows.
CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('outgoing', 'incoming')),
    doc_id       INTEGER NOT NULL,
    agency_id    INTEGER NOT NULL REFERENCES agencies(id),  -- the agency whose people may find it
    doc_date     INTEGER NOT NULL,                           -- issued (or created) / arrived, ms
    unit_id      INTEGER,                                    -- drafting unit / lead unit
    number_key   TEXT    NOT NULL,                           -- folded số, ký hiệu: 12/qd-ubnd
    number_head  TEXT    NOT NULL,                           -- its number alone: 12
    title        TEXT    NOT NULL,                           -- folded trích yếu
    meta         TEXT    NOT NULL,                           -- every searchable field, folded
    content      TEXT    NOT NULL,                           -- the files' text layer, folded
    UNIQUE (kind, doc_id)
);
CREATE INDEX search_entries_agency ON search_entries(agency_id, doc_date);

CREATE VIRTUAL TABLE search_fts USING fts5(
    meta, content, content = 'search_entries', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts(rowid, meta, content) VALUES (new.id, new.meta, new.content);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, meta, content) VALUES ('delete', old.id, old.meta, old.content);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE OF meta, content ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, meta, content) VALUES ('delete', old.id, old.meta, old.content);
    INSERT INTO search_fts(rowid, meta, content) VALUES (new.id, new.meta, new.content);
END;

-- The text layer of a stored PDF, folded, read once on the blocking pool before the transaction that files it
-- (a blob never changes, so neither does its text).
CREATE TABLE blob_texts (
    sha256  TEXT NOT NULL PRIMARY KEY REFERENCES blobs(sha256) ON DELETE CASCADE,
    text    TEXT NOT NULL
);
