-- Schedules (the source of truth for timed posts), the delivery ledger of their firings, and
-- the outbox through which everything timed is sent.

CREATE TABLE schedules (
    id INTEGER PRIMARY KEY,
    community_id INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE, -- a member's own reminder
    kind TEXT NOT NULL CHECK (kind IN ('checkin', 'rules', 'summary', 'reminder')),
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL, -- where a post goes (a group chat), or the member's user id
    spec TEXT NOT NULL,
    timezone TEXT NOT NULL,
    note TEXT,
    paused INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX schedules_by_community ON schedules (community_id);
CREATE INDEX schedules_by_member ON schedules (member_id);

-- One row per (schedule, fire time), written in the same transaction as the outbox rows of
-- that firing: a restart never posts twice and never loses a due prompt.
CREATE TABLE firings (
    schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    fire_time TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (schedule_id, fire_time)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE, -- idempotency key: the same message is never queued twice
    platform TEXT NOT NULL,
    target TEXT NOT NULL, -- JSON: {"place": chat_id} or {"actor": user_id, "name": ...}
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    payload TEXT NOT NULL, -- JSON of the reply: text, visibility, buttons
    priority INTEGER NOT NULL DEFAULT 1, -- 0 crisis, 1 normal, 2 bulk
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT,
    error TEXT
);
CREATE INDEX outbox_due ON outbox (platform, state, priority, not_before, id);

ALTER TABLE members ADD COLUMN unreachable_at TEXT; -- blocked the bot or closed DMs
ALTER TABLE members ADD COLUMN nudges_paused_until TEXT;
