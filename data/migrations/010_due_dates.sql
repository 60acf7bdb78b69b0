-- Personal milestones keep the day of their next mark, so the hourly job reads only those
-- coming due instead of every milestone; and indexes for export, erasure and retention.
-- NULL: not worked out yet (rows from before this migration); the job fills it in once.
ALTER TABLE milestones ADD COLUMN next_due TEXT;
CREATE INDEX milestones_by_due ON milestones (next_due);
CREATE INDEX milestones_by_member ON milestones (member_id, start_date);
CREATE INDEX outbox_by_member ON outbox (member_id);
CREATE INDEX outbox_settled ON outbox (state, done_at);
CREATE INDEX schedules_by_creator ON schedules (created_by);
