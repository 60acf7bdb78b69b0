-- The smallest number of members a group's anonymous figures (summaries, group celebrations)
-- may stand for, chosen by its leads (never below 3); NULL: the deployment's privacy.min_group.
ALTER TABLE communities ADD COLUMN min_group INTEGER;
