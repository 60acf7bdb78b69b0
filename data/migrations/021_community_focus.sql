-- What a group is for (/community focus grief): bot/domain/focus.py FOCUSES; NULL: general.
ALTER TABLE communities ADD COLUMN focus TEXT;

-- A new kind of schedule, "prompt" (/schedule prompt): SQLite keeps a CHECK constraint in the
-- table's definition, so the table is rebuilt with the same columns, rows and indexes. Its
-- firings ledger (exactly-once posting) is kept aside and put back: dropping the old table
-- would otherwise empty it through ON DELETE CASCADE.
CREATE TABLE schedules_next (
    id INTEGER PRIMARY KEY,
    community_id INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE, -- a member's own reminder
    kind TEXT NOT NULL CHECK (kind IN ('checkin', 'rules', 'summary', 'reminder', 'prompt')),
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL, -- where a post goes (a group chat), or the member's user id
    spec TEXT NOT NULL,
    timezone TEXT NOT NULL,
    note TEXT, -- a check-in prompt's own words; a creative prompt's theme
    paused INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    thread_id TEXT
);
INSERT INTO schedules_next (
    id, community_id, member_id, kind, platform, chat_id, spec, timezone, note, paused,
    created_by, created_at, thread_id
)
SELECT id, community_id, member_id, kind, platform, chat_id, spec, timezone, note, paused,
    created_by, created_at, thread_id
FROM schedules;
CREATE TEMP TABLE firings_kept AS SELECT schedule_id, fire_time, recorded_at FROM firings;
DROP TABLE schedules;
ALTER TABLE schedules_next RENAME TO schedules;
INSERT INTO firings (schedule_id, fire_time, recorded_at)
SELECT schedule_id, fire_time, recorded_at FROM firings_kept;
DROP TABLE firings_kept;
CREATE INDEX schedules_by_community ON schedules (community_id);
CREATE INDEX schedules_by_member ON schedules (member_id);
CREATE INDEX schedules_by_creator ON schedules (created_by);
