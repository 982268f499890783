-- Incoming documents (Điều 12, 15.4, 16, 17, 20): what arrived and how, the clerk's check and registration
-- (số đến), the leader's assignment with its deadline, the handlers' work, delegations, and the history.

-- One received document at one agency. A document issued on this system arrives as one row per recipient
-- agency (linked to its delivery); e-mail, paper scans and exchange imports are registered by the clerk.
CREATE TABLE incoming_documents (
    id                    INTEGER PRIMARY KEY,
    agency_id             INTEGER NOT NULL REFERENCES agencies(id),
    channel               TEXT    NOT NULL CHECK (channel IN ('system', 'exchange', 'email', 'paper')),
    status                TEXT    NOT NULL,
    delivery_id           INTEGER UNIQUE REFERENCES deliveries(id),
    outgoing_id           INTEGER REFERENCES outgoing_documents(id),
    sender_agency_id      INTEGER REFERENCES agencies(id),
    sender_name           TEXT    NOT NULL,
    sender_code           TEXT,
    code_text             TEXT    NOT NULL,          -- số, ký hiệu as printed: 15/QĐ-UBND
    issued_date           TEXT    NOT NULL,          -- YYYY-MM-DD
    doc_type              TEXT    NOT NULL,
    subject               TEXT    NOT NULL,
    urgency               TEXT    NOT NULL,
    urgency_rank          INTEGER NOT NULL,          -- queues sort the most urgent first
    signer_name           TEXT,
    reply_deadline        TEXT,
    declared_attachments  INTEGER,
    declared_pages        INTEGER,
    received_at           INTEGER NOT NULL,          -- arrival time (the real one when backfilled)
    backfilled            INTEGER NOT NULL DEFAULT 0,
    verification          TEXT,                      -- JSON VerificationDto from the server's check
    verification_ok       INTEGER NOT NULL DEFAULT 0,
    register_id           INTEGER NOT NULL REFERENCES registers(id),
    arrival_year          INTEGER,
    arrival_number        INTEGER,
    registered_at         INTEGER,
    registered_by         INTEGER REFERENCES users(id),
    override_reason       TEXT,                      -- accepted although verification failed: why
    return_reason         TEXT,
    assigner_id           INTEGER REFERENCES users(id),  -- the leader it waits with
    forwarded_at          INTEGER,
    instruction           TEXT,
    due_date              TEXT,
    due_at                INTEGER,                   -- end of the due day in Vietnam, ms
    assigned_at           INTEGER,
    completed_at          INTEGER,
    note                  TEXT,
    created_by            INTEGER REFERENCES users(id),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    UNIQUE (register_id, arrival_year, arrival_number)
);
CREATE INDEX incoming_agency_status ON incoming_documents(agency_id, status, received_at);
CREATE INDEX incoming_assigner ON incoming_documents(assigner_id, status);
CREATE INDEX incoming_register ON incoming_documents(register_id, arrival_year, arrival_number);

-- The files that arrived: position 0 is the main document. Never changed.
CREATE TABLE incoming_files (
    id           INTEGER PRIMARY KEY,
    incoming_id  INTEGER NOT NULL REFERENCES incoming_documents(id),
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES blobs(sha256),
    size         INTEGER NOT NULL,
    UNIQUE (incoming_id, position)
);

-- Who handles what: to a unit (its leaders assign further inside, `parent_id` links the sub-assignments) or
-- to a person, as lead, co-operating or for information, with the deadline. The handler's queue and the
-- leader's dashboard read this table only (with the document row by key).
CREATE TABLE assignments (
    id             INTEGER PRIMARY KEY,
    incoming_id    INTEGER NOT NULL REFERENCES incoming_documents(id),
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    role           TEXT    NOT NULL CHECK (role IN ('lead', 'cooperate', 'inform')),
    unit_id        INTEGER NOT NULL REFERENCES units(id),     -- the unit, or the person's unit
    user_id        INTEGER REFERENCES users(id),              -- NULL: the unit as a whole
    parent_id      INTEGER REFERENCES assignments(id),
    assigned_by    INTEGER NOT NULL REFERENCES users(id),
    on_behalf_of   INTEGER REFERENCES users(id),              -- the leader whose delegation was used
    instruction    TEXT,
    due_date       TEXT,
    due_at         INTEGER,
    urgency_rank   INTEGER NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'processing', 'done')),
    result         TEXT,
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    done_at        INTEGER,
    last_urged_at  INTEGER
);
CREATE INDEX assignments_user_queue ON assignments(user_id, state, due_at);
CREATE INDEX assignments_unit_queue ON assignments(unit_id, state, due_at) WHERE user_id IS NULL;
CREATE INDEX assignments_agency_open ON assignments(agency_id, state, unit_id);
CREATE INDEX assignments_incoming ON assignments(incoming_id);
-- The leader's dashboard: an agency's open work grouped and ordered without touching the table (an index-only
-- scan on PostgreSQL); ids are chosen here before the few rows shown are joined to their documents.
CREATE INDEX assignments_open_work ON assignments(agency_id, state, role, unit_id, user_id, due_at, created_at, id)
    WHERE state IN ('pending', 'processing');

-- Luồng xử lý of an incoming document: who, what, when, and under whose delegation.
CREATE TABLE incoming_history (
    id            INTEGER PRIMARY KEY,
    incoming_id   INTEGER NOT NULL REFERENCES incoming_documents(id),
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL REFERENCES users(id),
    on_behalf_of  INTEGER REFERENCES users(id),
    action        TEXT    NOT NULL,
    comment       TEXT
);
CREATE INDEX incoming_history_document ON incoming_history(incoming_id, id);

-- Ủy quyền: `from_user_id` hands assigning (and signing, when `signing` is set: kt or tuq) to `to_user_id`
-- for the days starts_on..=ends_on (Vietnam dates), until revoked.
CREATE TABLE delegations (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    from_user_id  INTEGER NOT NULL REFERENCES users(id),
    to_user_id    INTEGER NOT NULL REFERENCES users(id),
    starts_on     TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    signing       TEXT,
    reason        TEXT,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoked_by    INTEGER REFERENCES users(id)
);
CREATE INDEX delegations_to ON delegations(to_user_id, ends_on);
CREATE INDEX delegations_from ON delegations(from_user_id, ends_on);

-- A reply drafted from an incoming document (edXML ResponseFor also needs the delivery, kept as before).
ALTER TABLE outgoing_documents ADD COLUMN answers_incoming_id INTEGER REFERENCES incoming_documents(id);
CREATE INDEX outgoing_answers_incoming ON outgoing_documents(answers_incoming_id);
-- Actions taken under a delegation (signing for the absent signer) name both people.
ALTER TABLE document_history ADD COLUMN on_behalf_of INTEGER REFERENCES users(id);
