-- The archive job's backoff (issue 17): a document whose renewal failed (the TSA unreachable, a CRL missing) is
-- retried after a delay that doubles with each failure (1 h, 2 h, 4 h … at most 7 days), so that one broken
-- document neither holds back the others nor is retried at every pass. A success clears both.
ALTER TABLE outgoing_documents ADD COLUMN archive_timestamp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outgoing_documents ADD COLUMN archive_timestamp_retry_at INTEGER;
