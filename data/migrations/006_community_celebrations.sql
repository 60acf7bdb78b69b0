-- Community milestones (total check-ins, combined streak days, the community's anniversary in
-- Haven): a lead switch, on by default, and a ledger so each goes out once.

ALTER TABLE communities ADD COLUMN celebrate INTEGER NOT NULL DEFAULT 1;
-- Where they are posted: the chat a lead turned them on in (NULL: the community's own chat).
ALTER TABLE communities ADD COLUMN celebrate_chat_id TEXT;

CREATE TABLE community_celebrations (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    key TEXT NOT NULL, -- checkins:500, streakdays:250, anniversary:1
    at TEXT NOT NULL,
    PRIMARY KEY (community_id, key)
);
