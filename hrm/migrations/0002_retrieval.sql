-- Retrieval at scale: label-level embeddings (every alias gets its own vector, so "k8s" and a
-- job-ad phrase can meet their skill), an embedding cache keyed by model and text (re-imports do
-- not re-embed), and free-form attributes for imported taxonomies (ISCO code, reuse level, hot
-- technology flags, skill groups, importance and level scores).

CREATE TABLE embedding_cache (
    model           text NOT NULL,
    text_sha256     text NOT NULL,
    embedding       vector(384) NOT NULL,
    PRIMARY KEY (model, text_sha256)
);

ALTER TABLE skills ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE roles ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;

ALTER TABLE skill_aliases ADD COLUMN embedding vector(384);
CREATE INDEX skill_aliases_embedding ON skill_aliases USING hnsw (embedding vector_cosine_ops);
CREATE INDEX skill_aliases_skill ON skill_aliases (skill_id);

ALTER TABLE role_aliases ADD COLUMN embedding vector(384);
ALTER TABLE role_aliases ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', alias)) STORED;
CREATE INDEX role_aliases_embedding ON role_aliases USING hnsw (embedding vector_cosine_ops);
CREATE INDEX role_aliases_tsv ON role_aliases USING gin (search_tsv);
CREATE INDEX role_aliases_role ON role_aliases (role_id);

CREATE INDEX skills_source ON skills (source);
CREATE INDEX roles_source ON roles (source);
CREATE INDEX role_skills_skill ON role_skills (skill_id);
CREATE INDEX skill_relations_to ON skill_relations (to_skill_id);

-- Relation kinds imported taxonomies bring: O*NET related occupations are transitions; ESCO
-- occupation-skill links land in role_skills. Skill-skill kinds stay as declared in 0001.
GRANT SELECT ON embedding_cache TO hrm_app;
