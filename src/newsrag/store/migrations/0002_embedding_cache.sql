-- 0002: vectors already computed, by model and SHA-256 of the text.
CREATE TABLE embedding_cache (
    model text NOT NULL,
    text_hash bytea NOT NULL,
    embedding vector NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, text_hash)
);
