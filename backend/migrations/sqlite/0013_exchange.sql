-- Inter-system exchange (liên thông, issue 16; Điều 3.3, 11.3b, 21, 23 of the regulation): the systems this
-- instance exchanges edXML packets with, the packets waiting to leave (a transactional outbox, written in the
-- transaction of the step that causes them) and the packets that arrived (an idempotent inbox).

-- A peer: another vanban instance, an axis endpoint or a folder, serving the agencies (organ ids) listed in
-- `exchange_peer_organs`. `key_id` names the shared secret on both sides (sent with each request).
CREATE TABLE exchange_peers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('vanban', 'axis', 'folder')),
    endpoint    TEXT    NOT NULL,                 -- base URL (vanban, axis) or directory (folder)
    key_id      TEXT    NOT NULL UNIQUE,
    secret      TEXT    NOT NULL,                 -- HMAC-SHA256 key shared with the peer
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Which peer reaches which agency: one peer per organ id.
CREATE TABLE exchange_peer_organs (
    peer_id   INTEGER NOT NULL REFERENCES exchange_peers(id),
    organ_id  TEXT    NOT NULL UNIQUE
);
CREATE INDEX exchange_peer_organs_peer ON exchange_peer_organs(peer_id);

-- A packet to send. Status packets are built in the causing transaction (`body`); a document packet is built
-- from the issued files when it is sent (`body` NULL: the files never change, so every attempt sends the same).
CREATE TABLE exchange_outbox (
    id               INTEGER PRIMARY KEY,
    peer_id          INTEGER NOT NULL REFERENCES exchange_peers(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('document', 'status')),
    document_id      TEXT    NOT NULL,            -- edXML DocumentId
    action           INTEGER NOT NULL,            -- business action 0 new, 1 recall, 2 update, 3 replace
    status_code      TEXT,                        -- status packets: 01…16
    outgoing_id      INTEGER REFERENCES outgoing_documents(id),
    organ_ids        TEXT,                        -- document packets: the recipients this peer serves, space-separated
    body             TEXT,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    leased_until     INTEGER,                     -- an instance is sending it until then
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    delivered_at     INTEGER
);
CREATE INDEX exchange_outbox_due ON exchange_outbox(state, next_attempt_at);
CREATE INDEX exchange_outbox_document ON exchange_outbox(document_id, kind);

-- A packet received, once: a redelivered packet finds its row and is acknowledged again without effect.
CREATE TABLE exchange_inbox (
    id           INTEGER PRIMARY KEY,
    peer_id      INTEGER NOT NULL REFERENCES exchange_peers(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('document', 'status')),
    document_id  TEXT    NOT NULL,
    action       INTEGER NOT NULL,
    status_code  TEXT    NOT NULL DEFAULT '',    -- '' for document packets
    from_organ   TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('accepted', 'refused')),
    error        TEXT,
    received_at  INTEGER NOT NULL,
    UNIQUE (document_id, action, status_code, from_organ)
);

-- A document that came by exchange: which peer and DocumentId its statuses go back to, and the last one sent.
ALTER TABLE incoming_documents ADD COLUMN exchange_peer_id INTEGER REFERENCES exchange_peers(id);
ALTER TABLE incoming_documents ADD COLUMN exchange_document_id TEXT;
ALTER TABLE incoming_documents ADD COLUMN exchange_status TEXT;
-- The sender's reason when it asked for the document back (a recall packet, business action 1); the request is
-- pending while exchange_status is 13.
ALTER TABLE incoming_documents ADD COLUMN exchange_recall_reason TEXT;

-- An arrival by exchange has no person behind it: the history names the exchange instead (`actor_label`).
-- SQLite cannot drop NOT NULL in place; the table is rebuilt (nothing references it).
CREATE TABLE incoming_history_new (
    id            INTEGER PRIMARY KEY,
    incoming_id   INTEGER NOT NULL REFERENCES incoming_documents(id),
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES users(id),
    on_behalf_of  INTEGER REFERENCES users(id),
    action        TEXT    NOT NULL,
    comment       TEXT,
    actor_label   TEXT,
    CHECK (actor_id IS NOT NULL OR actor_label IS NOT NULL)
);
INSERT INTO incoming_history_new (id, incoming_id, at, actor_id, on_behalf_of, action, comment)
    SELECT id, incoming_id, at, actor_id, on_behalf_of, action, comment FROM incoming_history;
DROP TABLE incoming_history;
ALTER TABLE incoming_history_new RENAME TO incoming_history;
CREATE INDEX incoming_history_document ON incoming_history(incoming_id, id);
