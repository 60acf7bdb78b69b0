-- Peer support (/learn, /supporter, /talk): who passed which module of the supporter course,
-- a group's supporters, the conversations Haven relays between a member and a supporter, and
-- the leads on call for urgent alerts, in order. Relayed text is never stored.
CREATE TABLE course_passed (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    module TEXT NOT NULL, -- a slug of data/course.toml
    passed_at TEXT NOT NULL,
    PRIMARY KEY (member_id, module)
);

-- state: pending (passed the course, waiting for a lead), approved, paused (reported, until a
-- lead looks), removed. `available`: the supporter's own on/off.
CREATE TABLE supporters (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'paused', 'removed')),
    available INTEGER NOT NULL DEFAULT 0,
    hours TEXT, -- "18:00-22:00" in the supporter's zone; NULL: any time
    days TEXT, -- "mon,tue"; NULL: every day
    max_open INTEGER NOT NULL DEFAULT 1,
    last_matched_at TEXT,
    asked_at TEXT NOT NULL,
    approved_at TEXT,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX supporters_by_member ON supporters (member_id);

-- state: waiting (offered to supporters), open, ended, unanswered (nobody accepted in time),
-- withdrawn (the member ended it while waiting).
CREATE TABLE talks (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    supporter_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    topic TEXT,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'open', 'ended', 'unanswered', 'withdrawn')),
    member_alias TEXT NOT NULL,
    supporter_alias TEXT NOT NULL,
    name_shared INTEGER NOT NULL DEFAULT 0,
    asked_at TEXT NOT NULL,
    matched_at TEXT,
    last_at TEXT, -- the last message either way, for the silence check
    quiet_asked_at TEXT, -- when both were asked whether to end it after a silence
    ended_at TEXT,
    ended_by TEXT, -- member, supporter, timeout, report
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    helped INTEGER,
    follow_up INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX talks_by_member ON talks (member_id, state);
CREATE INDEX talks_by_supporter ON talks (supporter_id, state);
CREATE INDEX talks_by_state ON talks (state, asked_at);
CREATE INDEX talks_by_community ON talks (community_id, asked_at);

-- Who a waiting request was offered to (told when another took it).
CREATE TABLE talk_offers (
    talk_id INTEGER NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    supporter_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (talk_id, supporter_id)
);
CREATE INDEX talk_offers_by_supporter ON talk_offers (supporter_id);

-- The leads who receive urgent alerts, in order (/community oncall).
CREATE TABLE oncall (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (community_id, position)
);
CREATE INDEX oncall_by_member ON oncall (member_id);

-- An urgent alert: tried on the on-call leads in order until one presses "I'm on it"
-- (`level`: how many have been tried; past the last, all leads). `member_id` is who it is
-- about, only when they chose to be named.
CREATE TABLE urgent_alerts (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    about_member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    reason TEXT NOT NULL, -- unanswered, supporter, crisis
    talk_id INTEGER REFERENCES talks (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    level INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    acked_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    acked_at TEXT
);
CREATE INDEX urgent_alerts_open ON urgent_alerts (acked_at, next_at);
CREATE INDEX urgent_alerts_by_member ON urgent_alerts (about_member_id);

-- Minutes a /talk request waits for a supporter before the member is told and leads alerted.
ALTER TABLE communities ADD COLUMN talk_minutes INTEGER NOT NULL DEFAULT 10;
