-- One missed day a week no longer breaks a streak: the latest day bridged so, per member
-- (NULL: none in the current streak). Streaks already stored go on under the new rule from
-- the member's next check-in.
ALTER TABLE member_streaks ADD COLUMN grace_day TEXT;
