-- Helpers that let a request do in one statement what took several (issue 16:
-- submit in as few round trips as its transaction needs). Each mirrors a rule
-- kept in Rust; a persistence test checks that both give the same answer.

-- The case number of a year's `serial`th case: hds_domain::case::CaseNumber
-- (HDS-<year>-<serial>, six digits up to 999,999, then as many as it takes).
CREATE FUNCTION case_number_of(year INT, serial INT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT 'HDS-' || lpad(year::text, 4, '0') || '-'
        || CASE WHEN serial < 1000000 THEN lpad(serial::text, 6, '0') ELSE serial::text END
$$;

-- The pseudonymous key contacts are stored under:
-- hds_persistence::notifications::person_key.
CREATE FUNCTION person_key_of(pid TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(sha256(convert_to('hds-person:' || pid, 'UTF8')), 'hex')
$$;

-- Whom a notice to an application's applicants goes to: the owner
-- (APPLICANT), then each co-applicant in the order they were added
-- (CO_APPLICANT), each with a verified address. An address that appears
-- twice is told once, in its first place (the caller keeps the first).
CREATE FUNCTION applicant_recipients(application UUID)
RETURNS TABLE (audience TEXT, email TEXT, language TEXT, ordinal BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT p.audience, pc.email, pc.language, p.ordinal
    FROM (
        SELECT 'APPLICANT' AS audience, a.owner_pid AS pid, 0::bigint AS ordinal
        FROM applications a WHERE a.id = application
        UNION ALL
        SELECT 'CO_APPLICANT', m.pid, row_number() OVER (ORDER BY m.added_at, m.id)
        FROM application_members m WHERE m.application_id = application
    ) p
    JOIN person_contacts pc ON pc.person_key = person_key_of(p.pid)
    WHERE pc.email IS NOT NULL
$$;
