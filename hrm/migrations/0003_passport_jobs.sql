-- The skill passport's history, and background jobs that any worker may claim.

ALTER TABLE person_skills ADD COLUMN note text;

CREATE TABLE person_skill_history (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    person_id       uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    skill_id        bigint NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    source          text NOT NULL,
    action          text NOT NULL CHECK (action IN ('inferred', 'confirm', 'dispute', 'self_assess', 'manager_assess')),
    old_level       smallint,
    new_level       smallint,
    old_status      text,
    new_status      text,
    reason          text,
    changed_by      uuid REFERENCES people(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_skill_history_person ON person_skill_history (org_id, person_id, created_at);

ALTER TABLE person_skill_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE person_skill_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON person_skill_history USING (org_id = hrm_current_org()) WITH CHECK (org_id = hrm_current_org());
-- History is appended, never rewritten.
GRANT SELECT, INSERT ON person_skill_history TO hrm_app;

ALTER TABLE jobs ADD COLUMN locked_at timestamptz;
ALTER TABLE jobs ADD COLUMN locked_by text;

-- Workers serve every organisation, so claiming crosses tenants: this owner-run function hands
-- out one job id (and its organisation) at a time and nothing else; the work itself then runs in
-- that organisation's scope. A job whose worker vanished (locked longer than the lease) is handed
-- out again, which is how jobs survive a crash or a restart.
CREATE FUNCTION hrm_claim_job(p_worker text, p_lease interval)
    RETURNS TABLE (job_id uuid, org_id uuid)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
        UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_at = now(), locked_by = p_worker,
                          updated_at = now()
        WHERE j.id = (
            SELECT id FROM jobs
            WHERE (status = 'queued' AND run_after <= now())
               OR (status = 'running' AND locked_at < now() - p_lease)
            ORDER BY created_at
            FOR UPDATE SKIP LOCKED
            LIMIT 1)
        RETURNING j.id, j.org_id
    $$;
REVOKE ALL ON FUNCTION hrm_claim_job(text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hrm_claim_job(text, interval) TO hrm_app;

DO $$
BEGIN
    -- The claim function runs as the owner, whom forced RLS also binds: let it see and update jobs.
    EXECUTE format('CREATE POLICY worker ON jobs TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
