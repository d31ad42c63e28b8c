-- 0005: ingestion jobs submitted over the admin API (POST /api/ingest), so that any process
-- sharing the database can report on a job whichever process runs it.
CREATE TABLE ingest_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed')),
    sources text[] NOT NULL,
    sources_done integer NOT NULL DEFAULT 0,
    articles_found integer NOT NULL DEFAULT 0,
    articles_processed integer NOT NULL DEFAULT 0,
    new integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    unchanged integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0,
    chunks integer NOT NULL DEFAULT 0,
    errors text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz
);
CREATE INDEX ingest_jobs_finished_at_idx ON ingest_jobs (finished_at);
