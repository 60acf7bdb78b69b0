-- What a resource is (bot/domain/search.py KINDS): an article, a book, a podcast, an app, a
-- helpline, a course, a therapist directory, a support group or a video. Built-in rows are
-- reloaded from data/resources at each start; a group's own keep 'article' until a lead says.
ALTER TABLE resources ADD COLUMN kind TEXT NOT NULL DEFAULT 'article';
CREATE INDEX resources_by_kind ON resources (kind, community_id);
