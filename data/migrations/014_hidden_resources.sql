-- Built-in resources a group's leads chose not to show in that group, by their link (the
-- built-in rows are loaded afresh from data/resources at each start, so their ids change).
CREATE TABLE resource_hidden (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    hidden_at TEXT NOT NULL,
    PRIMARY KEY (community_id, url)
) WITHOUT ROWID;
