-- Foundation: agencies, units, accounts, roles, sessions, sign-in attempts, the hash-chained audit log.
-- Instants are milliseconds since the Unix epoch (UTC), the same in both databases.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,          -- mã định danh (QCVN 102:2016 or QĐ 20/2020)
    name        TEXT    NOT NULL,
    short_name  TEXT    NOT NULL,                 -- used in notations: 15/QĐ-UBND
    parent_id   INTEGER REFERENCES agencies(id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    name        TEXT    NOT NULL,
    short_name  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (agency_id, short_name)
);

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    username              TEXT    NOT NULL UNIQUE,
    full_name             TEXT    NOT NULL,
    search_text           TEXT    NOT NULL,     -- username + name, lower case, without diacritics
    position              TEXT,
    email                 TEXT,
    phone                 TEXT,
    unit_id               INTEGER NOT NULL REFERENCES units(id),
    password_hash         TEXT    NOT NULL,     -- argon2id PHC string
    must_change_password  INTEGER NOT NULL DEFAULT 0,
    locked                INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    last_login_at         INTEGER
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,           -- hex SHA-256 of the cookie token; the token itself is never stored
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,              -- absolute end of the session
    client_addr   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    username     TEXT    NOT NULL,
    client_addr  TEXT    NOT NULL,
    success      INTEGER NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts(username, at);
CREATE INDEX login_attempts_addr ON login_attempts(client_addr, at);
-- Attempts only feed the rate limit; older ones are pruned by time (the audit log keeps the history).
CREATE INDEX login_attempts_at ON login_attempts(at);

-- One row: the head of the audit chain. Appending updates it first, which serialises appenders.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    last_hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    actor_id        INTEGER,
    actor_username  TEXT,
    agency_id       INTEGER,
    action          TEXT    NOT NULL,
    target          TEXT,
    target_name     TEXT,
    details         TEXT    NOT NULL,
    client_addr     TEXT,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log(agency_id, seq);

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
