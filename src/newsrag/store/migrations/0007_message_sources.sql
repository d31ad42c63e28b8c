-- 0007: an answer's sources, so that the history shows them again after a reload.
ALTER TABLE messages ADD COLUMN sources jsonb NOT NULL DEFAULT '[]';
