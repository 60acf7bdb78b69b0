-- The places of several processes' sends in Telegram's flood window (PostgreSQL's 018): one
-- SQLite file has one process, whose own limiter is enough, so the table stays empty here. It
-- exists so both engines share one schema and one version number.
CREATE TABLE flood_places (
    platform TEXT NOT NULL,
    taken_at TEXT NOT NULL
);
