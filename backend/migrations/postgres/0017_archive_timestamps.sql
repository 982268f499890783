-- Long-term validation (issue 17, PAdES B-LTA): when the certificate of the last document timestamp of an issued
-- document's files expires (ms since the epoch; NULL when its files carry none). The archive job gives the files a
-- new document timestamp, as a new issued version, before that time.
ALTER TABLE outgoing_documents ADD COLUMN archive_timestamp_until BIGINT;
CREATE INDEX outgoing_documents_archive_due ON outgoing_documents(archive_timestamp_until)
    WHERE archive_timestamp_until IS NOT NULL;
