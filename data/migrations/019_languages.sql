-- The language a member chose (/settings language es) and a group's (/community language de):
-- catalogue names of bot/i18n.py LANGUAGES ("pt_BR"); NULL: not chosen (bot/services/people.py
-- `language` says what comes next).
ALTER TABLE members ADD COLUMN language TEXT;
ALTER TABLE communities ADD COLUMN language TEXT;
