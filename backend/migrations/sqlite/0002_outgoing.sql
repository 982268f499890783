-- Outgoing documents (Điều 11): files, registers and their counters, the approval circuit, the history,
-- deliveries to recipients with every status change, and the live-event feed.

-- Every uploaded file, named by its SHA-256 (the bytes live in the blob store).
CREATE TABLE blobs (
    sha256       TEXT    PRIMARY KEY,
    size         INTEGER NOT NULL,
    media_type   TEXT    NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);

-- Sổ văn bản đi / đến, per agency.
CREATE TABLE registers (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    direction   TEXT    NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (agency_id, direction, name)
);
INSERT INTO registers (agency_id, direction, name, created_at)
    SELECT id, 'outgoing', 'Sổ văn bản đi', created_at FROM agencies;
INSERT INTO registers (agency_id, direction, name, created_at)
    SELECT id, 'incoming', 'Sổ văn bản đến', created_at FROM agencies;

-- The highest number handed out per register and year. Reserving a number updates this row first, which
-- orders concurrent clerks (other connections, other server instances) by a row lock.
CREATE TABLE register_counters (
    register_id  INTEGER NOT NULL REFERENCES registers(id),
    year         INTEGER NOT NULL,
    high         INTEGER NOT NULL,
    PRIMARY KEY (register_id, year)
);

-- Numbers held for a document being sealed ('held', until expires_at) or given back ('free': handed out
-- again first, so the register keeps no gap). An issued number leaves this table for register_entries.
CREATE TABLE register_numbers (
    register_id  INTEGER NOT NULL REFERENCES registers(id),
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('held', 'free')),
    document_id  INTEGER,
    held_by      INTEGER REFERENCES users(id),
    expires_at   INTEGER,
    PRIMARY KEY (register_id, year, number)
);
CREATE INDEX register_numbers_document ON register_numbers(document_id);

CREATE TABLE outgoing_documents (
    id                   INTEGER PRIMARY KEY,
    agency_id            INTEGER NOT NULL REFERENCES agencies(id),
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    drafter_id           INTEGER NOT NULL REFERENCES users(id),
    doc_type             TEXT    NOT NULL,
    subject              TEXT    NOT NULL,
    urgency              TEXT    NOT NULL,
    reply_deadline       TEXT,
    signer_id            INTEGER NOT NULL REFERENCES users(id),
    signing_capacity     TEXT    NOT NULL,
    register_id          INTEGER NOT NULL REFERENCES registers(id),
    answers_delivery_id  INTEGER,
    paper_recipients     TEXT    NOT NULL,          -- JSON array of names
    number_placement     TEXT    NOT NULL,          -- JSON NumberPlacement
    status               TEXT    NOT NULL,
    current_step         INTEGER,                   -- position in review_steps while in review
    version              INTEGER NOT NULL,          -- latest version number
    number               INTEGER,
    year                 INTEGER,
    number_text          TEXT,
    issued_at            INTEGER,
    issued_by            INTEGER REFERENCES users(id),
    recall_reason        TEXT,
    recalled_at          INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX outgoing_agency_status ON outgoing_documents(agency_id, status, updated_at);
CREATE INDEX outgoing_drafter ON outgoing_documents(drafter_id, updated_at);
CREATE INDEX outgoing_signer ON outgoing_documents(signer_id, status);

-- The files of every version: position 0 is the main PDF, then the attachments. Versions are never changed.
CREATE TABLE document_files (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES outgoing_documents(id),
    version      INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('draft', 'signed', 'issued')),
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES blobs(sha256),
    size         INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    UNIQUE (document_id, version, position)
);

-- The approval circuit, in order; a forward inserts a step after the current one.
CREATE TABLE review_steps (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES outgoing_documents(id),
    position     INTEGER NOT NULL,
    reviewer_id  INTEGER NOT NULL REFERENCES users(id),
    decision     TEXT,
    comment      TEXT,
    decided_at   INTEGER,
    UNIQUE (document_id, position)
);
CREATE INDEX review_steps_reviewer ON review_steps(reviewer_id);

-- Luồng xử lý: every action on a document, in order.
CREATE TABLE document_history (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES outgoing_documents(id),
    at           INTEGER NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES users(id),
    action       TEXT    NOT NULL,
    comment      TEXT,
    version      INTEGER
);
CREATE INDEX document_history_document ON document_history(document_id, id);

-- Verified signatures of issued or signed versions (public data only: keys never reach the server).
CREATE TABLE signatures (
    id               INTEGER PRIMARY KEY,
    document_id      INTEGER NOT NULL REFERENCES outgoing_documents(id),
    file_sha256      TEXT    NOT NULL,
    field            TEXT    NOT NULL,
    kind             TEXT    NOT NULL,             -- signer, seal, attachment
    signer           TEXT    NOT NULL,
    serial           TEXT    NOT NULL,
    issuer           TEXT    NOT NULL,
    signing_time     TEXT,
    verified_at      INTEGER NOT NULL
);
CREATE INDEX signatures_document ON signatures(document_id);

-- The register: one row per issued number; (register, year, number) can never repeat.
CREATE TABLE register_entries (
    id           INTEGER PRIMARY KEY,
    register_id  INTEGER NOT NULL REFERENCES registers(id),
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES outgoing_documents(id),
    recorded_at  INTEGER NOT NULL,
    UNIQUE (register_id, year, number),
    UNIQUE (document_id)
);

-- One recipient of an outgoing document.
CREATE TABLE deliveries (
    id                   INTEGER PRIMARY KEY,
    outgoing_id          INTEGER NOT NULL REFERENCES outgoing_documents(id),
    channel              TEXT    NOT NULL CHECK (channel IN ('internal', 'external', 'paper')),
    recipient_agency_id  INTEGER REFERENCES agencies(id),
    recipient_code       TEXT,
    recipient_name       TEXT    NOT NULL,
    position             INTEGER NOT NULL,
    status               TEXT,                     -- edXML code (01…16); NULL before delivery
    status_at            INTEGER,
    exchange_state       TEXT,                     -- external: 'queued' until the exchange sends it
    UNIQUE (outgoing_id, position)
);
CREATE INDEX deliveries_recipient ON deliveries(recipient_agency_id, status);
CREATE INDEX deliveries_outgoing ON deliveries(outgoing_id);

-- Every status change of a delivery, visible to the sender.
CREATE TABLE delivery_events (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries(id),
    status       TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users(id),
    reason       TEXT
);
CREATE INDEX delivery_events_delivery ON delivery_events(delivery_id, id);
