-- Public verification of printed copies (issue 15). A number reservation holds a verification code (60 random
-- bits, `XXXX-XXXX-XXXX`) printed with the number before the seal; issuing copies it to the document, whose code
-- then answers `GET /api/public/verify/{code}`. A new reservation gets a new code; the issued one is what counts.
ALTER TABLE register_numbers ADD COLUMN verification_code TEXT;
ALTER TABLE outgoing_documents ADD COLUMN verification_code TEXT;
CREATE UNIQUE INDEX outgoing_documents_verification_code ON outgoing_documents(verification_code);

-- Public verification requests, per client address, for the rate limit (pruned by time).
CREATE TABLE public_verify_hits (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    client_addr  TEXT    NOT NULL
);
CREATE INDEX public_verify_hits_addr ON public_verify_hits(client_addr, at);
CREATE INDEX public_verify_hits_at ON public_verify_hits(at);
