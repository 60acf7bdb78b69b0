-- What a group is for (/community focus grief): bot/domain/focus.py FOCUSES; NULL: general.
ALTER TABLE communities ADD COLUMN focus TEXT;

-- A new kind of schedule, "prompt" (/schedule prompt); its theme is kept in `note`.
ALTER TABLE schedules DROP CONSTRAINT schedules_kind_check;
ALTER TABLE schedules ADD CONSTRAINT schedules_kind_check
    CHECK (kind IN ('checkin', 'rules', 'summary', 'reminder', 'prompt'));
