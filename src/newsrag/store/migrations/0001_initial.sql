-- 0001: articles, chunks with vectors and full text, index metadata, sessions and messages.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE index_meta (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    model text NOT NULL,
    dimension integer NOT NULL CHECK (dimension > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    id bigserial PRIMARY KEY,
    url text NOT NULL UNIQUE,
    title text NOT NULL,
    source text NOT NULL DEFAULT '',
    published_at timestamptz,
    categories text[] NOT NULL DEFAULT '{}',
    body text NOT NULL,
    content_hash text NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_published_at_idx ON articles (published_at DESC NULLS LAST);

CREATE TABLE chunks (
    id bigserial PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position integer NOT NULL,
    text text NOT NULL,
    embedding vector(384) NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    UNIQUE (article_id, position)
);
CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);

CREATE TABLE sessions (
    id text PRIMARY KEY,
    message_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE messages (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant')),
    content text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq)
);

-- The last outcome of reading each configured source, shown by /health.
CREATE TABLE source_runs (
    source text PRIMARY KEY,
    finished_at timestamptz NOT NULL DEFAULT now(),
    ok boolean NOT NULL,
    message text NOT NULL DEFAULT '',
    new integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    unchanged integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0
);
