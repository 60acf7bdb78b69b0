-- A queued message may carry one file (a scheduled summary's chart). The bytes live only until
-- the row is settled: sending, failing or skipping clears them.

ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment_mime TEXT;
ALTER TABLE outbox ADD COLUMN attachment BLOB;
