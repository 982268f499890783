-- Signers that are real (issue 17): the certificate registry binds a certificate to the account that holds its
-- key (or to an agency, for its seal), and the server accepts a signature only from a certificate bound to the
-- account the step expects; the common name on a certificate is shown, never trusted. Beside it, what the server
-- learnt about revocation (CRLs from the trust anchors' distribution points and files, OCSP responses), kept so
-- that verification and the validation data added at issue (DSS) read the same facts.

-- A certificate bound to one account (user_id) or one agency (agency_id, its seal). A binding is revoked, never
-- deleted: signatures accepted under it stay explained.
CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT    NOT NULL UNIQUE,      -- hex SHA-256 of the DER certificate
    der_base64      TEXT    NOT NULL,
    spki_sha256     TEXT    NOT NULL,
    subject_cn      TEXT    NOT NULL,
    subject_org     TEXT,
    issuer          TEXT    NOT NULL,             -- the issuer's common name (shown)
    serial          TEXT    NOT NULL,             -- decimal
    not_before      INTEGER NOT NULL,
    not_after       INTEGER NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    agency_id       INTEGER REFERENCES agencies(id),
    source          TEXT    NOT NULL CHECK (source IN ('csr', 'admin', 'seed')),
    state           TEXT    NOT NULL CHECK (state IN ('active', 'revoked')),
    registered_at   INTEGER NOT NULL,
    registered_by   INTEGER REFERENCES users(id),
    revoked_at      INTEGER,
    revoked_by      INTEGER REFERENCES users(id),
    revoke_reason   TEXT,
    CHECK ((user_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX certificates_user ON certificates(user_id, state);
CREATE INDEX certificates_agency ON certificates(agency_id, state);

-- A person's key request (PKCS#10, generated in the browser): proof that the account holds the private key of
-- `spki_sha256` (the CSR's signature was checked). The certificate a CA issues for that key is bound to this
-- account when it is presented (`certificate_id`).
CREATE TABLE certificate_requests (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    spki_sha256     TEXT    NOT NULL,             -- hex SHA-256 of the DER SubjectPublicKeyInfo
    subject         TEXT    NOT NULL,             -- the CSR's subject as written (shown, not trusted)
    csr_pem         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    certificate_id  INTEGER REFERENCES certificates(id),
    UNIQUE (user_id, spki_sha256)
);
CREATE INDEX certificate_requests_spki ON certificate_requests(spki_sha256);

-- Where revocation data comes from (a CRL distribution point, a CRL file, an OCSP responder) and how the last
-- attempt went: a source that fails or goes stale is reported, not fatal.
CREATE TABLE revocation_sources (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('crl_url', 'crl_file', 'ocsp')),
    location         TEXT    NOT NULL UNIQUE,     -- URL or file path
    last_attempt_at  INTEGER,
    last_success_at  INTEGER,
    last_error       TEXT,
    next_update      INTEGER                      -- of the last CRL fetched: after it the source is stale
);

-- Revocation data as fetched (DER, base64), checked against a trust anchor before it is kept. `issuer_key`
-- names the issuer (base64 DER of its Name) so the latest CRL of a certificate's issuer is one lookup;
-- OCSP responses also name the certificate (`serial`).
CREATE TABLE revocation_data (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('crl', 'ocsp')),
    source_id    INTEGER REFERENCES revocation_sources(id),
    issuer_key   TEXT    NOT NULL,
    serial       TEXT,
    this_update  INTEGER NOT NULL,
    next_update  INTEGER,
    sha256       TEXT    NOT NULL UNIQUE,
    der_base64   TEXT    NOT NULL,
    fetched_at   INTEGER NOT NULL
);
CREATE INDEX revocation_data_issuer ON revocation_data(kind, issuer_key, this_update);
