-- What agreeing to a group's ground rules opens, chosen by its leads: NULL (nothing),
-- 'restrict' (Telegram: newcomers read only until they agree) or 'role:<name>' (Discord: the
-- role given on agreeing).
ALTER TABLE communities ADD COLUMN rules_gate TEXT;
