-- Learning resources: built-in ones (org_id NULL) shipped with the product, and an organisation's
-- own (courses, internal wikis, mentors). A resource is about one skill, or, with no skill, about a
-- whole cluster of skills. Same row-level security as the other shared reference tables: everyone
-- reads the built-in rows, an organisation reads and writes only its own.

CREATE TABLE learning_resources (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    skill_id        bigint REFERENCES skills(id) ON DELETE CASCADE,
    cluster         text,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    url             text CHECK (url ~ '^https?://'),
    kind            text NOT NULL CHECK (kind IN ('course', 'book', 'docs', 'practice', 'mentoring', 'internal')),
    hours           real CHECK (hours > 0),
    description     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (skill_id IS NOT NULL OR cluster IS NOT NULL),
    -- Re-loading the built-in file or re-importing an organisation's file updates rows in place.
    UNIQUE NULLS NOT DISTINCT (org_id, skill_id, cluster, title)
);
CREATE INDEX learning_resources_skill ON learning_resources (skill_id) WHERE skill_id IS NOT NULL;
CREATE INDEX learning_resources_cluster ON learning_resources (cluster) WHERE skill_id IS NULL;

ALTER TABLE learning_resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE learning_resources FORCE ROW LEVEL SECURITY;
CREATE POLICY read_shared ON learning_resources FOR SELECT
    USING (org_id IS NULL OR org_id = hrm_current_org());
CREATE POLICY write_own ON learning_resources FOR ALL
    USING (org_id = hrm_current_org()) WITH CHECK (org_id = hrm_current_org());
DO $$
BEGIN
    -- The schema owner loads the built-in rows; FORCE applies RLS to owners too.
    EXECUTE format('CREATE POLICY maintainer ON learning_resources TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON learning_resources TO hrm_app;
