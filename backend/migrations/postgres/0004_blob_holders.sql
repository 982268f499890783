-- Which agencies may reference a stored file (issue 12, access rule 2): knowing a file's SHA-256 must not give
-- access to it. An agency holds a blob once one of its people uploaded those bytes, or once it received them
-- through a delivery (the issued files of a document delivered to it). Drafts, new versions, intake, prefill
-- and downloads may reference only blobs their agency holds.
CREATE TABLE blob_holders (
    sha256     TEXT    NOT NULL REFERENCES blobs(sha256),
    agency_id  BIGINT  NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (sha256, agency_id)
);

-- What is already stored: the uploader's agency, the files of every agency's own documents, and the files of
-- every document delivered to an agency.
INSERT INTO blob_holders (sha256, agency_id)
SELECT b.sha256, un.agency_id FROM blobs b JOIN users u ON u.id = b.uploaded_by JOIN units un ON un.id = u.unit_id
ON CONFLICT DO NOTHING;
INSERT INTO blob_holders (sha256, agency_id)
SELECT f.sha256, o.agency_id FROM document_files f JOIN outgoing_documents o ON o.id = f.document_id
ON CONFLICT DO NOTHING;
INSERT INTO blob_holders (sha256, agency_id)
SELECT f.sha256, i.agency_id FROM incoming_files f JOIN incoming_documents i ON i.id = f.incoming_id
ON CONFLICT DO NOTHING;
