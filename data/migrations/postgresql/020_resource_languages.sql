-- The language a resource is written in (a catalogue name of bot/i18n.py LANGUAGES): the
-- shipped ones from data/resources/<language>/ and a community's own. A member sees those in
-- their language first, then the English ones (bot/storage/resources.py `LANGUAGE`).
ALTER TABLE resources ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
