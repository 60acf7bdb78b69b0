-- Consent to storing check-ins, and a group's opt-in for "tell a group lead" in crisis replies.

CREATE TABLE consents (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    given_at TEXT NOT NULL
);

ALTER TABLE communities ADD COLUMN alert_member_id INTEGER REFERENCES members (id)
    ON DELETE SET NULL; -- the lead who receives "a member asked for support"; NULL = off
