-- A schedule made inside a forum topic (Telegram) posts in that topic; NULL: the chat itself.
ALTER TABLE schedules ADD COLUMN thread_id TEXT;
