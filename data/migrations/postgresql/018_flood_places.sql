-- The platforms' flood limits are the bot's, whichever process sends. When several processes
-- serve one bot, each send first takes a place here among the bot's sends of the last second
-- (PgDatabase.flood_wait, adapters/telegram/limits.py). Unlogged: a place lives a second, and
-- a crash of the server loses nothing that matters.
CREATE UNLOGGED TABLE flood_places (
    platform TEXT NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX flood_places_by_time ON flood_places (platform, taken_at);
