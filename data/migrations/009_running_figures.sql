-- Running figures, so a check-in, a milestone check and the hourly community job each touch a
-- few rows per member whatever the history; and indexes for every query on a hot or hourly
-- path (tests/integration/test_query_plans.py checks them with EXPLAIN QUERY PLAN).

-- A member's check-in streak in their own calendar days, updated by each check-in in its
-- transaction. Counted in `timezone`; when the member's zone changes, the next check-in
-- rebuilds it from their history. Filled at a member's first check-in after this migration.
CREATE TABLE member_streaks (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    timezone TEXT NOT NULL,
    last_day TEXT NOT NULL, -- YYYY-MM-DD, the member's local day of their latest check-in
    current INTEGER NOT NULL, -- consecutive days ending on last_day
    longest INTEGER NOT NULL
);

-- Check-ins made in each community, per member (a member who withdraws consent or erases
-- their data leaves the community's total: it is the sum over consenting members).
CREATE TABLE checkin_counts (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    checkins INTEGER NOT NULL,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX checkin_counts_by_member ON checkin_counts (member_id);
INSERT INTO checkin_counts (community_id, member_id, checkins)
SELECT community_id, member_id, COUNT(*) FROM checkins
WHERE community_id IS NOT NULL GROUP BY community_id, member_id;

CREATE INDEX checkins_by_community ON checkins (community_id, at);
CREATE INDEX checkins_by_time ON checkins (at);
CREATE INDEX checkins_with_note ON checkins (at) WHERE note IS NOT NULL;
CREATE INDEX inbound_updates_by_time ON inbound_updates (seen_at);
