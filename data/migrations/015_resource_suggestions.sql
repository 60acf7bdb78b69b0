-- A member's suggestion of a resource for their group, waiting for a lead (who approves it into
-- the group's own resources, or declines it). The member's own data: exported and erased with it.
CREATE TABLE resource_suggestions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    created_at TEXT NOT NULL
);
CREATE INDEX resource_suggestions_by_community ON resource_suggestions (community_id, state);
CREATE INDEX resource_suggestions_by_member ON resource_suggestions (member_id);
