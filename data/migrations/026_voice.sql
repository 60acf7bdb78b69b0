-- Members' voice, the rest of it: a share held back after the crisis screen flagged it (until
-- the member chooses to share it all the same), polls, kudos, reports of a message to the
-- leads, a lead's answer to feedback by its Reply button, and a group's invitation.
ALTER TABLE shares ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

-- A lead who pressed "Reply" under a feedback: their next words in the direct chat answer it.
ALTER TABLE feedback ADD COLUMN replying_by INTEGER REFERENCES members (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN replying_at TEXT;
CREATE INDEX feedback_replying ON feedback (replying_by);

-- A lead's poll. `options`: one per line. An anonymous poll never shows who voted; any poll
-- shows its counts only from three voters.
CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    anonymous INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    closes_at TEXT,
    closed_at TEXT
);
CREATE INDEX polls_by_community ON polls (community_id, closed_at);
CREATE INDEX polls_due ON polls (closes_at) WHERE closed_at IS NULL;

-- One vote a member, changeable until the poll closes.
CREATE TABLE poll_votes (
    poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (poll_id, member_id)
);
CREATE INDEX poll_votes_by_member ON poll_votes (member_id);

-- Kudos: who thanked whom, when, publicly or not. The note itself is delivered, never stored.
CREATE TABLE kudos (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    giver_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    receiver_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    public INTEGER NOT NULL DEFAULT 1,
    at TEXT NOT NULL
);
CREATE INDEX kudos_by_receiver ON kudos (receiver_id, at);
CREATE INDEX kudos_by_giver ON kudos (giver_id, at);
CREATE INDEX kudos_by_community ON kudos (community_id, at);

-- Members who would rather not receive kudos.
CREATE TABLE kudos_off (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    at TEXT NOT NULL
);

-- A message reported to the leads, one row however many report it (merged by the platform's
-- reference to the message); the reported words are sent to the leads, never stored.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    message_ref TEXT NOT NULL,
    link TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'handled')),
    created_at TEXT NOT NULL,
    handled_at TEXT,
    handled_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    UNIQUE (community_id, message_ref)
);

-- Who reported it (never shown to anyone) and why.
CREATE TABLE report_reasons (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (report_id, member_id)
);
CREATE INDEX report_reasons_by_member ON report_reasons (member_id, at);

-- A group's invitation card: its link (https) and a short description.
CREATE TABLE invites (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    link TEXT NOT NULL,
    about TEXT,
    updated_at TEXT NOT NULL
);
