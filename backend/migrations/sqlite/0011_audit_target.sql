-- A document's history PDF reads the audit entries of one target (`outgoing:42`) in chain order; without this
-- index every export would scan the whole log.
CREATE INDEX audit_log_target ON audit_log(target, seq);
