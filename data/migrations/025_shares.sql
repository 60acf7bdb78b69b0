-- Anonymous shares (/share): a member's text, reviewed by a lead who never learns the author,
-- then posted in the group as "A member shared:". `member_id` (the author) is kept only so the
-- author can delete it and see it in /mydata, and /forgetme erases it.
CREATE TABLE shares (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'deleted')),
    content_note INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX shares_by_member ON shares (member_id, created_at);
CREATE INDEX shares_by_community ON shares (community_id, state);

-- Responses to a posted share: one of each kind a member, counted on the post.
CREATE TABLE share_responses (
    share_id INTEGER NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('relate', 'support', 'thanks')),
    at TEXT NOT NULL,
    PRIMARY KEY (share_id, member_id, kind)
);
CREATE INDEX share_responses_by_member ON share_responses (member_id);

-- Anonymous feedback to a group's leads (/feedback); `member_id` only to send a lead's answer
-- back to the author, never shown.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX feedback_by_member ON feedback (member_id, created_at);
CREATE INDEX feedback_by_community ON feedback (community_id);
