-- 0004: full-text search weighs the article's title (A) above the chunk's text (B); filters
-- on outlet and categories get indexes.
ALTER TABLE chunks ADD COLUMN heading text NOT NULL DEFAULT '';
UPDATE chunks c SET heading = a.title FROM articles a WHERE a.id = c.article_id;
DROP INDEX IF EXISTS chunks_tsv_idx;
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', heading), 'A') || setweight(to_tsvector('english', text), 'B')
) STORED;
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);
CREATE INDEX articles_source_idx ON articles (source);
CREATE INDEX articles_categories_idx ON articles USING gin (categories);
