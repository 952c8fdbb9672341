-- Shugu's schema on a team server, version 3: what many workstations
-- writing one project at once need beyond version 2.
--
-- * No lost update: a writer that read an item at some version and finds
--   another there when it writes is refused (`project::postgres::store::
--   versions`), and its message names who made the version in between. An
--   item's version is counted up by `items_stamp` once per transaction; the
--   login that made the version before it is kept in `prior_by`, since by
--   the time a transaction checks, `changed_by` names itself.

ALTER TABLE shugu.items ADD COLUMN prior_by text;

CREATE OR REPLACE FUNCTION shugu.items_stamp() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF OLD.changed_tx IS DISTINCT FROM pg_catalog.pg_current_xact_id() THEN
            NEW.version := OLD.version + 1;
            NEW.prior_by := OLD.changed_by;
        ELSE
            NEW.version := OLD.version;
            NEW.prior_by := OLD.prior_by;
        END IF;
        NEW.changed_tx := pg_catalog.pg_current_xact_id();
        NEW.changed_by := session_user;
        NEW.changed_at := pg_catalog.now();
        IF NEW.status = 'submitted' AND OLD.status IN ('new', 'in_progress') THEN
            NEW.annotator := session_user;
        END IF;
        RETURN NEW;
    END
    $$;
