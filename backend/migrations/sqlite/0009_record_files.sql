-- Record files (hồ sơ, issue 15; Điều 14, NĐ 30 Phụ lục V): the agency's file catalogue per year, the documents
-- filed into each file in order (one document may be in several files), closing and hand-over to the archive.
CREATE TABLE record_files (
    id                  INTEGER PRIMARY KEY,
    agency_id           INTEGER NOT NULL REFERENCES agencies(id),
    year                INTEGER NOT NULL,
    ordinal             INTEGER NOT NULL,            -- position in the agency's catalogue of the year
    notation            TEXT    NOT NULL,            -- FileNotation: 01, 02.TCCB
    code                TEXT    NOT NULL UNIQUE,     -- FileCode: OrganId.year.notation
    title               TEXT    NOT NULL,
    retention_years     INTEGER NOT NULL CHECK (retention_years >= 0),   -- 0: permanent
    creator_id          INTEGER NOT NULL REFERENCES users(id),
    state               TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'handed_over')),
    created_at          INTEGER NOT NULL,
    closed_at           INTEGER,
    closed_by           INTEGER REFERENCES users(id),
    due_reminded_at     INTEGER,                     -- when the clerks were told it is due for hand-over
    handed_over_at      INTEGER,
    handed_over_by      INTEGER REFERENCES users(id),
    UNIQUE (agency_id, year, ordinal)
);
-- Closed files whose hand-over reminder is still to be sent.
CREATE INDEX record_files_due ON record_files(closed_at) WHERE state = 'closed' AND due_reminded_at IS NULL;

-- The next ordinal per agency and year (numbers never reused, taken under the row's lock).
CREATE TABLE record_file_counters (
    agency_id  INTEGER NOT NULL REFERENCES agencies(id),
    year       INTEGER NOT NULL,
    high       INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE record_file_documents (
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL REFERENCES record_files(id),
    position     INTEGER NOT NULL,                  -- DocOrdinal, from 1
    outgoing_id  INTEGER REFERENCES outgoing_documents(id),
    incoming_id  INTEGER REFERENCES incoming_documents(id),
    added_by     INTEGER NOT NULL REFERENCES users(id),
    added_at     INTEGER NOT NULL,
    CHECK ((outgoing_id IS NULL) <> (incoming_id IS NULL)),
    UNIQUE (file_id, outgoing_id),
    UNIQUE (file_id, incoming_id)
);
CREATE INDEX record_file_documents_file ON record_file_documents(file_id, position);
CREATE INDEX record_file_documents_outgoing ON record_file_documents(outgoing_id) WHERE outgoing_id IS NOT NULL;
CREATE INDEX record_file_documents_incoming ON record_file_documents(incoming_id) WHERE incoming_id IS NOT NULL;
