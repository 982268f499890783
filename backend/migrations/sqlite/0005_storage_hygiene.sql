-- Storage hygiene and quotas (issue 13).

-- When these bytes were last uploaded (the first upload, or a later upload of the same file). The sweep removes
-- a blob no document references only once this is older than its grace period, so an upload running beside
-- the sweep keeps its file.
ALTER TABLE blobs ADD COLUMN touched_at INTEGER;
UPDATE blobs SET touched_at = created_at;
CREATE INDEX blobs_touched ON blobs(touched_at);
CREATE INDEX blobs_uploader ON blobs(uploaded_by);
CREATE INDEX document_files_sha ON document_files(sha256);
CREATE INDEX incoming_files_sha ON incoming_files(sha256);

-- An agency's storage quota in MiB; NULL = the server's default (`VANBAN_AGENCY_QUOTA_MB`).
ALTER TABLE agencies ADD COLUMN storage_quota_mb INTEGER;
