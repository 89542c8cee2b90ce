-- Schema: global reference data (skills, roles, transitions) and tenant data keyed by org_id.
-- Every table with an org_id column has row-level security ENABLEd and FORCEd; the application
-- role hrm_app owns nothing and cannot bypass RLS. The organisation is set per transaction with
-- set_config('app.org_id', ..., true).

CREATE EXTENSION IF NOT EXISTS vector;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrm_app') THEN
        CREATE ROLE hrm_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;

CREATE FUNCTION hrm_current_org() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;

-- Tenants ------------------------------------------------------------------------------------

CREATE TABLE organizations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid GENERATED ALWAYS AS (id) STORED,  -- so the RLS catalogue rule covers it
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text NOT NULL,
    slack_team_id   text,
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Global reference data (org_id NULL) and organisation-specific entries (org_id set) ----------

CREATE TABLE skills (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    source          text NOT NULL,                       -- builtin, esco, onet, org
    external_id     text NOT NULL,                       -- builtin key, ESCO concept URI, ...
    name            text NOT NULL,
    name_norm       text NOT NULL,
    type            text NOT NULL CHECK (type IN
                        ('technical', 'soft', 'business', 'leadership', 'digital', 'domain_specific')),
    cluster         text,
    description     text NOT NULL DEFAULT '',
    demand          text,
    automation_risk text,
    growth          real,
    embedding       vector(384),
    search_tsv      tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', name), 'A') ||
                        setweight(to_tsvector('english', description), 'C')) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (org_id, source, external_id)
);
CREATE INDEX skills_name_norm ON skills (name_norm);
CREATE INDEX skills_tsv ON skills USING gin (search_tsv);
CREATE INDEX skills_embedding ON skills USING hnsw (embedding vector_cosine_ops);
CREATE INDEX skills_org ON skills (org_id) WHERE org_id IS NOT NULL;

CREATE TABLE skill_aliases (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    skill_id        bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    alias           text NOT NULL,
    alias_norm      text NOT NULL,
    kind            text NOT NULL DEFAULT 'alternative',  -- alternative, hidden, abbreviation
    search_tsv      tsvector GENERATED ALWAYS AS (to_tsvector('simple', alias)) STORED,
    UNIQUE (skill_id, alias_norm)
);
CREATE INDEX skill_aliases_norm ON skill_aliases (alias_norm);
CREATE INDEX skill_aliases_tsv ON skill_aliases USING gin (search_tsv);

CREATE TABLE skill_relations (
    from_skill_id   bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    to_skill_id     bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    type            text NOT NULL CHECK (type IN
                        ('prerequisite', 'complementary', 'builds_on', 'essential_for', 'optional_for', 'broader')),
    source          text NOT NULL,
    PRIMARY KEY (from_skill_id, to_skill_id, type)
);

CREATE TABLE roles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    source          text NOT NULL,                       -- builtin, esco, onet, org
    external_id     text NOT NULL,                       -- role code, ESCO URI, O*NET-SOC code
    title           text NOT NULL,
    title_norm      text NOT NULL,
    family          text,
    department      text,
    level           text CHECK (level IN ('entry', 'mid', 'senior', 'lead', 'manager')),
    description     text NOT NULL DEFAULT '',
    embedding       vector(384),
    search_tsv      tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (org_id, source, external_id)
);
CREATE INDEX roles_title_norm ON roles (title_norm);
CREATE INDEX roles_tsv ON roles USING gin (search_tsv);
CREATE INDEX roles_embedding ON roles USING hnsw (embedding vector_cosine_ops);

CREATE TABLE role_aliases (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    role_id         bigint NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    alias           text NOT NULL,
    alias_norm      text NOT NULL,
    UNIQUE (role_id, alias_norm)
);
CREATE INDEX role_aliases_norm ON role_aliases (alias_norm);

CREATE TABLE role_skills (
    org_id          uuid REFERENCES organizations(id) ON DELETE CASCADE,
    role_id         bigint NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    skill_id        bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    required_level  smallint NOT NULL CHECK (required_level BETWEEN 1 AND 5),
    importance      text NOT NULL CHECK (importance IN ('essential', 'important', 'nice_to_have')),
    PRIMARY KEY (role_id, skill_id)
);

CREATE TABLE role_transitions (
    from_role_id    bigint NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    to_role_id      bigint NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    typical_years   real,
    source          text NOT NULL,
    PRIMARY KEY (from_role_id, to_role_id)
);

-- Tenant data ---------------------------------------------------------------------------------

CREATE TABLE people (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (email = lower(email)),
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    job_title       text NOT NULL DEFAULT '',
    department      text NOT NULL DEFAULT '',
    manager_id      uuid REFERENCES people(id) ON DELETE SET NULL,
    location        text NOT NULL DEFAULT '',
    app_role        text NOT NULL DEFAULT 'employee' CHECK (app_role IN ('employee', 'manager', 'hr', 'admin')),
    slack_user_id   text,
    role_id         bigint REFERENCES roles(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, email),
    CHECK (manager_id IS DISTINCT FROM id)
);
CREATE INDEX people_manager ON people (manager_id);
CREATE UNIQUE INDEX people_slack ON people (org_id, slack_user_id) WHERE slack_user_id IS NOT NULL;

CREATE TABLE documents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    person_id       uuid REFERENCES people(id) ON DELETE CASCADE,
    filename        text NOT NULL,
    media_type      text NOT NULL,
    source          text NOT NULL,
    sha256          text NOT NULL,
    text            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person_skills (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    person_id       uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    skill_id        bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    level           smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    confidence      real NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    source          text NOT NULL CHECK (source IN ('self', 'manager', 'peer', 'inferred', 'certification')),
    status          text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('inferred', 'confirmed', 'disputed')),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, skill_id, source)
);
CREATE INDEX person_skills_skill ON person_skills (org_id, skill_id);

CREATE TABLE evidence (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    person_skill_id uuid NOT NULL REFERENCES person_skills(id) ON DELETE CASCADE,
    document_id     uuid REFERENCES documents(id) ON DELETE CASCADE,
    source          text NOT NULL,
    quote           text NOT NULL,
    start_offset    integer,
    end_offset      integer,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_descriptions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    jd_group        uuid NOT NULL,
    version         integer NOT NULL,
    role_id         bigint REFERENCES roles(id) ON DELETE SET NULL,
    title           text NOT NULL,
    content         jsonb NOT NULL,
    created_by      uuid REFERENCES people(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (jd_group, version)
);

-- Keyed by (org_id, id): a client-chosen id used in one organisation must neither collide with
-- nor reveal another organisation's conversation.
CREATE TABLE conversations (
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    id              text NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    person_id       uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    channel         text NOT NULL,
    state           jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id)
);

CREATE TABLE messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    conversation_id text NOT NULL,
    sender          text NOT NULL CHECK (sender IN ('user', 'assistant')),
    content         text NOT NULL,
    data            jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE
);
CREATE INDEX messages_conversation ON messages (org_id, conversation_id, id);

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    actor_id        uuid,
    actor_role      text NOT NULL,
    channel         text NOT NULL,
    tool            text NOT NULL,
    args            jsonb NOT NULL,
    ok              boolean NOT NULL,
    error_code      text,
    result_sha256   text,
    duration_ms     real NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time ON audit_log (org_id, created_at);

CREATE TABLE jobs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            text NOT NULL,
    request_key     text,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    result          jsonb,
    error           text,
    run_after       timestamptz NOT NULL DEFAULT now(),
    created_by      uuid REFERENCES people(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, request_key)
);
CREATE INDEX jobs_ready ON jobs (status, run_after);

-- Row-level security ----------------------------------------------------------------------------

DO $$
DECLARE
    t text;
BEGIN
    -- Tenant tables: only the current organisation's rows, for reading and writing.
    FOREACH t IN ARRAY ARRAY['organizations', 'people', 'documents', 'person_skills', 'evidence',
                             'job_descriptions', 'conversations', 'messages', 'audit_log', 'jobs'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (org_id = hrm_current_org()) '
                       'WITH CHECK (org_id = hrm_current_org())', t);
    END LOOP;

    -- Reference tables: global rows (org_id NULL) readable by all, organisation rows by their
    -- organisation; writes only to the current organisation's rows. The schema owner (who loads
    -- the reference data) gets its own policy, since FORCE applies RLS to owners too.
    FOREACH t IN ARRAY ARRAY['skills', 'skill_aliases', 'roles', 'role_aliases', 'role_skills'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY read_shared ON %I FOR SELECT '
                       'USING (org_id IS NULL OR org_id = hrm_current_org())', t);
        EXECUTE format('CREATE POLICY write_own ON %I FOR ALL '
                       'USING (org_id = hrm_current_org()) WITH CHECK (org_id = hrm_current_org())', t);
        EXECUTE format('CREATE POLICY maintainer ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    END LOOP;

    -- The SECURITY DEFINER resolvers below run as the owner and must find a slug or a Slack id
    -- before any organisation is set; the owner may read (never write) these two tables for that.
    FOREACH t IN ARRAY ARRAY['organizations', 'people'] LOOP
        EXECUTE format('CREATE POLICY resolver ON %I FOR SELECT TO %I USING (true)', t, current_user);
    END LOOP;
END
$$;

-- The application role: data access only; audit rows can be written and read but never changed.
GRANT USAGE ON SCHEMA public TO hrm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON organizations, people, documents, person_skills, evidence,
    job_descriptions, conversations, messages, jobs TO hrm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON skills, skill_aliases, roles, role_aliases, role_skills TO hrm_app;
GRANT SELECT ON skill_relations, role_transitions TO hrm_app;
GRANT SELECT, INSERT ON audit_log TO hrm_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO hrm_app;

-- Entry points that must work before an organisation is known: resolving a slug (CLI, REST path)
-- and a Slack user. SECURITY DEFINER runs as the owner; each returns ids only.
CREATE FUNCTION hrm_resolve_org(p_slug text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM organizations WHERE slug = p_slug $$;

CREATE FUNCTION hrm_resolve_slack_user(p_team text, p_user text)
    RETURNS TABLE (org_id uuid, person_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT p.org_id, p.id FROM people p JOIN organizations o ON o.id = p.org_id
        WHERE p.slack_user_id = p_user AND (o.slack_team_id IS NULL OR o.slack_team_id = p_team)
    $$;

REVOKE ALL ON FUNCTION hrm_resolve_org(text), hrm_resolve_slack_user(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hrm_resolve_org(text), hrm_resolve_slack_user(text, text) TO hrm_app;
