-- Privacy rights: consent per data source, erasure with pseudonymised audit, and the guard that
-- keeps the audit log append-only except for that pseudonymisation.
--
-- Pseudonyms are keyed hashes: each organisation gets a random key that only the schema owner can
-- read (the application role has no grant on it), so a pseudonym cannot be reversed by hashing
-- guessed emails or ids from the application side.

CREATE TABLE consents (
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    person_id       uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source          text NOT NULL CHECK (source IN ('cv', 'github', 'linkedin', 'project', 'review')),
    granted         boolean NOT NULL,
    method          text NOT NULL CHECK (method IN ('explicit', 'self_upload')),
    recorded_by     uuid REFERENCES people(id) ON DELETE SET NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, source)
);
CREATE INDEX consents_org ON consents (org_id);

CREATE TABLE privacy_keys (
    org_id          uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    secret          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Keyed hashes of an erased person's identifiers (id, email, full name, Slack id): audit rows
-- written after the erasure that still name them (the erase call's own row, say) are
-- pseudonymised on insert without the identifiers themselves being kept anywhere.
CREATE TABLE erased_identifiers (
    org_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    ident_hash      text NOT NULL,
    pseudonym       text NOT NULL,
    erased_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, ident_hash)
);

ALTER TABLE audit_log ADD COLUMN actor_pseudonym text;
ALTER TABLE audit_log ADD COLUMN pseudonymised_at timestamptz;
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['consents', 'privacy_keys', 'erased_identifiers'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (org_id = hrm_current_org()) '
                       'WITH CHECK (org_id = hrm_current_org())', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON consents TO hrm_app;
-- privacy_keys and erased_identifiers: no grant; only the owner-run functions below touch them.

-- Replace every occurrence of the given identifiers (case-insensitively) in the string values of
-- a JSON document; keys and non-string values are left alone.
CREATE FUNCTION hrm_scrub_json(p_doc jsonb, p_idents text[], p_replacement text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    result jsonb;
    value text;
    ident text;
BEGIN
    CASE jsonb_typeof(p_doc)
    WHEN 'object' THEN
        SELECT coalesce(jsonb_object_agg(key, hrm_scrub_json(val, p_idents, p_replacement)), '{}'::jsonb)
          INTO result FROM jsonb_each(p_doc) AS e(key, val);
        RETURN result;
    WHEN 'array' THEN
        SELECT coalesce(jsonb_agg(hrm_scrub_json(val, p_idents, p_replacement) ORDER BY n), '[]'::jsonb)
          INTO result FROM jsonb_array_elements(p_doc) WITH ORDINALITY AS e(val, n);
        RETURN result;
    WHEN 'string' THEN
        value := p_doc #>> '{}';
        FOREACH ident IN ARRAY p_idents LOOP
            IF length(ident) >= 3 THEN
                value := regexp_replace(value, regexp_replace(ident, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'),
                                        p_replacement, 'gi');
            END IF;
        END LOOP;
        RETURN to_jsonb(value);
    ELSE
        RETURN p_doc;
    END CASE;
END
$$;
GRANT EXECUTE ON FUNCTION hrm_scrub_json(jsonb, text[], text) TO hrm_app;

-- The organisation's pseudonymisation key, created on first use.
CREATE FUNCTION hrm_privacy_secret(p_org uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    key text;
BEGIN
    SELECT secret INTO key FROM privacy_keys WHERE org_id = p_org;
    IF key IS NULL THEN
        -- gen_random_uuid draws from the server's strong random source: 244 random bits.
        INSERT INTO privacy_keys (org_id, secret)
        VALUES (p_org, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
        ON CONFLICT (org_id) DO NOTHING;
        SELECT secret INTO key FROM privacy_keys WHERE org_id = p_org;
    END IF;
    RETURN key;
END
$$;
REVOKE ALL ON FUNCTION hrm_privacy_secret(uuid) FROM PUBLIC;

CREATE FUNCTION hrm_keyed_hash(p_secret text, p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT encode(sha256(convert_to(p_secret || ':' || lower(p_value), 'UTF8')), 'hex') $$;
REVOKE ALL ON FUNCTION hrm_keyed_hash(text, text) FROM PUBLIC;

-- When a person row is deleted in their organisation's scope (an erasure), their audit rows are
-- pseudonymised in place and the keyed hashes of their identifiers are kept for later rows.
-- Deleting a whole organisation (its rows cascade away anyway) or deleting outside any
-- organisation's scope skips this.
CREATE FUNCTION hrm_on_person_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    key text;
    pseudonym text;
    idents text[];
BEGIN
    IF hrm_current_org() IS DISTINCT FROM OLD.org_id
       OR NOT EXISTS (SELECT 1 FROM organizations WHERE id = OLD.org_id) THEN
        RETURN NULL;
    END IF;
    key := hrm_privacy_secret(OLD.org_id);
    pseudonym := 'erased-' || left(hrm_keyed_hash(key, OLD.id::text), 24);
    idents := ARRAY[OLD.id::text, OLD.email, OLD.first_name || ' ' || OLD.last_name];
    IF OLD.slack_user_id IS NOT NULL THEN
        idents := idents || OLD.slack_user_id;
    END IF;
    INSERT INTO erased_identifiers (org_id, ident_hash, pseudonym)
    SELECT OLD.org_id, hrm_keyed_hash(key, i), pseudonym FROM unnest(idents) AS i
    ON CONFLICT (org_id, ident_hash) DO NOTHING;
    UPDATE audit_log
       SET actor_id = CASE WHEN actor_id = OLD.id THEN NULL ELSE actor_id END,
           actor_pseudonym = CASE WHEN actor_id = OLD.id THEN pseudonym ELSE actor_pseudonym END,
           args = hrm_scrub_json(args, idents, pseudonym),
           pseudonymised_at = now()
     WHERE org_id = OLD.org_id
       AND (actor_id = OLD.id OR EXISTS (SELECT 1 FROM unnest(idents) AS i
                                         WHERE length(i) >= 3 AND strpos(lower(args::text), lower(i)) > 0));
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION hrm_on_person_deleted() FROM PUBLIC;
CREATE TRIGGER people_erasure AFTER DELETE ON people FOR EACH ROW EXECUTE FUNCTION hrm_on_person_deleted();

-- An audit row written after its actor was erased, or naming an erased person in a whole argument
-- value, is stored pseudonymised.
CREATE FUNCTION hrm_audit_pseudonymise_new() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    key text;
    found text;
    hit record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM erased_identifiers WHERE org_id = NEW.org_id) THEN
        RETURN NEW;
    END IF;
    key := hrm_privacy_secret(NEW.org_id);
    IF NEW.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people WHERE id = NEW.actor_id) THEN
        SELECT pseudonym INTO found FROM erased_identifiers
         WHERE org_id = NEW.org_id AND ident_hash = hrm_keyed_hash(key, NEW.actor_id::text);
        IF found IS NOT NULL THEN
            NEW.actor_id := NULL;
            NEW.actor_pseudonym := found;
            NEW.pseudonymised_at := now();
        END IF;
    END IF;
    FOR hit IN
        SELECT DISTINCT v.value AS ident, x.pseudonym
        FROM jsonb_path_query(NEW.args, 'strict $.**') AS j(node)
        CROSS JOIN LATERAL (SELECT j.node #>> '{}' AS value) AS v
        JOIN erased_identifiers x ON x.org_id = NEW.org_id AND x.ident_hash = hrm_keyed_hash(key, v.value)
        WHERE jsonb_typeof(j.node) = 'string'
    LOOP
        NEW.args := hrm_scrub_json(NEW.args, ARRAY[hit.ident], hit.pseudonym);
        NEW.pseudonymised_at := now();
    END LOOP;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION hrm_audit_pseudonymise_new() FROM PUBLIC;
CREATE TRIGGER audit_log_pseudonymise BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION hrm_audit_pseudonymise_new();

-- Audit rows are append-only: the only change ever allowed is pseudonymisation (the actor id
-- cleared for a pseudonym, identifiers in the arguments replaced). Even the owner cannot rewrite
-- what was called, when, by which role, with which outcome.
CREATE FUNCTION hrm_audit_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.org_id <> OLD.org_id OR NEW.actor_role <> OLD.actor_role
       OR NEW.channel <> OLD.channel OR NEW.tool <> OLD.tool OR NEW.ok <> OLD.ok
       OR NEW.error_code IS DISTINCT FROM OLD.error_code OR NEW.result_sha256 IS DISTINCT FROM OLD.result_sha256
       OR NEW.duration_ms <> OLD.duration_ms OR NEW.created_at <> OLD.created_at
       OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
       OR NEW.pseudonymised_at IS NULL THEN
        RAISE EXCEPTION 'audit rows are append-only; only pseudonymisation may change them';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION hrm_audit_guard();
