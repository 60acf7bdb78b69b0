-- Platform updates already handled, so a redelivered update (after a crash or restart) is
-- handled once. Rows older than a week are pruned; platforms do not redeliver that late.
CREATE TABLE inbound_updates (
    platform TEXT NOT NULL,
    update_id TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;
