-- Remote signing (ký số từ xa, issue 17): a person signs with a key held in a provider's HSM through the Cloud
-- Signature Consortium API v2. The browser lays out the signature and computes the hash; the server relays it
-- to the provider (the agency's client credentials must not reach browsers), the person approves on the
-- provider's app, and the browser puts the returned signature into the file. The server's checks of the upload
-- are the same as for a key in the browser: the certificate must be bound to the account.

-- The person's identifier at the provider (for Vietnamese providers usually the citizen ID number).
ALTER TABLE users ADD COLUMN remote_signing_id TEXT;

-- A new binding source, 'remote': the account proved through the provider that it holds the credential (the
-- provider signed a challenge of the server's after the person approved it). SQLite cannot change a CHECK, so
-- both registry tables are rebuilt; certificate_requests first, because it refers to certificates.
CREATE TABLE certificates_new (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT    NOT NULL UNIQUE,
    der_base64      TEXT    NOT NULL,
    spki_sha256     TEXT    NOT NULL,
    subject_cn      TEXT    NOT NULL,
    subject_org     TEXT,
    issuer          TEXT    NOT NULL,
    serial          TEXT    NOT NULL,
    not_before      INTEGER NOT NULL,
    not_after       INTEGER NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    agency_id       INTEGER REFERENCES agencies(id),
    source          TEXT    NOT NULL CHECK (source IN ('csr', 'admin', 'seed', 'remote')),
    state           TEXT    NOT NULL CHECK (state IN ('active', 'revoked')),
    registered_at   INTEGER NOT NULL,
    registered_by   INTEGER REFERENCES users(id),
    revoked_at      INTEGER,
    revoked_by      INTEGER REFERENCES users(id),
    revoke_reason   TEXT,
    CHECK ((user_id IS NULL) <> (agency_id IS NULL))
);
INSERT INTO certificates_new SELECT * FROM certificates;
CREATE TABLE certificate_requests_new (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    spki_sha256     TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    csr_pem         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    certificate_id  INTEGER REFERENCES certificates_new(id),
    UNIQUE (user_id, spki_sha256)
);
INSERT INTO certificate_requests_new SELECT * FROM certificate_requests;
DROP TABLE certificate_requests;
DROP TABLE certificates;
-- Renaming rewrites certificate_requests_new's reference to the new name.
ALTER TABLE certificates_new RENAME TO certificates;
ALTER TABLE certificate_requests_new RENAME TO certificate_requests;
CREATE INDEX certificates_user ON certificates(user_id, state);
CREATE INDEX certificates_agency ON certificates(agency_id, state);
CREATE INDEX certificate_requests_spki ON certificate_requests(spki_sha256);

-- One request to the provider: a hash to sign (purpose 'sign', from the browser) or the server's challenge
-- (purpose 'register', which binds the credential's certificate to the account once signed). The instance that
-- took the request drives it; any instance answers its status, and one past its deadline reads as expired.
CREATE TABLE remote_signatures (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    credential_id   TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('sign', 'register')),
    hash_sha256     TEXT    NOT NULL,             -- hex, what the provider signs
    description     TEXT    NOT NULL,             -- shown on the person's phone
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'signed', 'refused', 'expired', 'failed')),
    signature       TEXT,                         -- base64, once signed
    certificate_der TEXT,                         -- base64 of the credential's certificate
    message         TEXT,                         -- why it did not sign, in Vietnamese
    created_at      INTEGER NOT NULL,
    deadline        INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX remote_signatures_user ON remote_signatures(user_id, id);
