-- Gatherings (/event add): one row each; RSVPs one per member and event. Times are UTC ISO
-- text, as elsewhere in the SQLite schema.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL, -- where its post and a circle's opening go
    thread_id TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('workshop', 'circle', 'class', 'meetup', 'creative', 'livestream')),
    starts_at TEXT NOT NULL,
    timezone TEXT NOT NULL, -- the zone the lead gave it in: how the post shows it
    minutes INTEGER NOT NULL,
    capacity INTEGER, -- NULL: no limit
    place TEXT, -- a place in words or an https link
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    cancel_reason TEXT,
    spec TEXT, -- a recurring event's schedule ("weekly sun 18:00"); NULL: once
    series INTEGER -- a recurring event's first occurrence; each occurrence is a row of its own
);
CREATE INDEX events_by_community ON events (community_id, starts_at);
CREATE INDEX events_by_start ON events (starts_at);
CREATE INDEX events_by_creator ON events (created_by);
CREATE INDEX events_by_series ON events (series, starts_at);

-- answer: going, maybe, no, or waiting (going asked when the event was full; the first to
-- wait moves up when a place frees, by `at`).
CREATE TABLE rsvps (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'no', 'waiting')),
    at TEXT NOT NULL,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX rsvps_by_member ON rsvps (member_id);

-- Ratings after an event, 1-5, by those who went: anonymous to everyone (the host sees the
-- average and count only when at least three rated); the member is kept for one rating each,
-- /mydata and /forgetme.
CREATE TABLE event_ratings (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    at TEXT NOT NULL,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX event_ratings_by_member ON event_ratings (member_id);
