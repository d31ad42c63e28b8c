-- 0006: each chunk carries its article's publication time, so that a date window is checked on
-- the chunk a search finds (no article lookup per candidate) and can use an index; and ANALYZE
-- keeps the frequency of 10,000 full-text lexemes instead of 1,000, so that the full-text search
-- can tell a store's rare words from its common ones (store/lexicon.py).
ALTER TABLE chunks ADD COLUMN published_at timestamptz;
UPDATE chunks c SET published_at = a.published_at
FROM articles a WHERE a.id = c.article_id AND a.published_at IS NOT NULL;
CREATE INDEX chunks_published_at_idx ON chunks (published_at);
ALTER TABLE chunks ALTER COLUMN tsv SET STATISTICS 1000;
