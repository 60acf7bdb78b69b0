-- Where each group post Haven keeps up to date went (Reply.keep): the platform's chat and
-- message id, so a later change edits it in place. `key` names the post ("event:12:post") or a
-- platform calendar entry ("event:12:calendar").
CREATE TABLE posts (
    platform TEXT NOT NULL,
    key TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kept_at TEXT NOT NULL,
    PRIMARY KEY (platform, key)
);
CREATE INDEX posts_by_time ON posts (kept_at);

-- A workshop's or class's agenda, steps one per line (a template's, or the lead's own).
ALTER TABLE events ADD COLUMN agenda TEXT;
