-- A member's safety plan (Stanley–Brown steps), in their own words, and the step the guided
-- walk-through is waiting for. One row a member; erased and exported with the rest of their data.

CREATE TABLE safety_plans (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    plan TEXT NOT NULL DEFAULT '{}', -- JSON: {"signs": ["..."], "coping": [...], ...}
    awaiting TEXT, -- the step the walk-through asked for, or NULL
    awaiting_since TEXT,
    updated_at TEXT NOT NULL
);
