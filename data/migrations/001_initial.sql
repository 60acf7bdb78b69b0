-- Members, communities, check-ins, rules, resources, milestones and celebrations.
-- Times are stored as ISO-8601 UTC text; local dates are derived with the member's time zone.

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    timezone TEXT,
    country TEXT,
    celebrate_public INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (platform, user_id)
);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    chat_id TEXT NOT NULL,
    timezone TEXT,
    country TEXT,
    welcome INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (platform, key)
);

CREATE TABLE community_members (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    joined_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    agreed_at TEXT,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX community_members_by_member ON community_members (member_id, seen_at);

CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    community_id INTEGER REFERENCES communities (id) ON DELETE SET NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    tags TEXT NOT NULL DEFAULT '',
    note TEXT,
    at TEXT NOT NULL
);
CREATE INDEX checkins_by_member ON checkins (member_id, at);

CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX rules_by_community ON rules (community_id, position);

-- community_id NULL marks the reviewed resources shipped in data/resources (reloaded at start).
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    community_id INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '',
    added_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    added_at TEXT
);
CREATE INDEX resources_by_topic ON resources (community_id, topic);

CREATE VIRTUAL TABLE resources_fts USING fts5 (
    title, description, tags, topic,
    content = 'resources', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE resources_vocab USING fts5vocab (resources_fts, row);

CREATE TRIGGER resources_ai AFTER INSERT ON resources BEGIN
    INSERT INTO resources_fts (rowid, title, description, tags, topic)
    VALUES (new.id, new.title, new.description, new.tags, new.topic);
END;
CREATE TRIGGER resources_ad AFTER DELETE ON resources BEGIN
    INSERT INTO resources_fts (resources_fts, rowid, title, description, tags, topic)
    VALUES ('delete', old.id, old.title, old.description, old.tags, old.topic);
END;

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    start_date TEXT NOT NULL,
    chat_platform TEXT,
    chat_id TEXT,
    created_at TEXT NOT NULL
);

-- One row per celebration sent, so a restart or a replayed clock never celebrates twice.
CREATE TABLE celebrations (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (member_id, key)
);
