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

-- * A claim never comes back short while the queue still has items: a
--   candidate can be leased by another claim that committed after this
--   one's look at the leases and before it locked the item, and is then
--   lost (the lease insert finds theirs); the phase is looked at again, with
--   a fresh view, until it gives nothing or loses nothing.

CREATE OR REPLACE FUNCTION shugu.claim(queue text, how_many integer, ttl interval) RETURNS SETOF bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = shugu, pg_catalog
    AS $$
    DECLARE
        me text := session_user;
        wanted integer := how_many;
        phase text;
        candidate bigint;
        seen integer;
        lost integer;
    BEGIN
        IF queue IS NULL OR queue NOT IN ('annotate', 'review') THEN
            RAISE EXCEPTION 'unknown queue %', queue USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF how_many IS NULL OR how_many < 1 OR how_many > 1000 THEN
            RAISE EXCEPTION 'a claim takes 1 to 1000 items, not %', how_many
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM shugu.check_ttl(ttl);
        IF NOT shugu.is_member(CASE queue WHEN 'review' THEN 'reviewer' ELSE 'annotator' END) THEN
            RAISE EXCEPTION '% may not take items to %', me, queue
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        FOREACH phase IN ARRAY (CASE queue WHEN 'review' THEN ARRAY['review']
                                           ELSE ARRAY['rework', 'open'] END) LOOP
            LOOP
                EXIT WHEN wanted = 0;
                seen := 0;
                lost := 0;
                FOR candidate IN SELECT * FROM shugu.lock_claimable(phase, me, wanted) LOOP
                    seen := seen + 1;
                    -- The item row is locked: no other claim reaches its lease now.
                    DELETE FROM shugu.leases WHERE item_id = candidate AND expires_at <= now();
                    INSERT INTO shugu.leases (item_id, holder, queue, taken_at, expires_at)
                    VALUES (candidate, me, queue, now(), now() + ttl)
                    ON CONFLICT (item_id) DO NOTHING;
                    IF FOUND THEN
                        wanted := wanted - 1;
                        RETURN NEXT candidate;
                    ELSE
                        lost := lost + 1;
                    END IF;
                END LOOP;
                EXIT WHEN seen = 0 OR lost = 0;
            END LOOP;
        END LOOP;
    END
    $$;

-- * An accepted annotation's origin (`annotation_origins`, keyed by the
--   annotation, version 2) is part of its item like the annotation itself:
--   nobody but an admin changes it while the item is leased to someone else.

CREATE FUNCTION shugu.origins_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = shugu, pg_catalog
    AS $$
    DECLARE
        touched bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT a.item_id) INTO touched
              FROM new_rows o JOIN shugu.annotations a ON a.id = o.annotation_id;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT a.item_id) INTO touched
              FROM old_rows o JOIN shugu.annotations a ON a.id = o.annotation_id;
        ELSE
            SELECT array_agg(DISTINCT a.item_id) INTO touched
              FROM (SELECT annotation_id FROM new_rows
                    UNION SELECT annotation_id FROM old_rows) AS o
              JOIN shugu.annotations a ON a.id = o.annotation_id;
        END IF;
        PERFORM shugu.refuse_leased(touched);
        RETURN NULL;
    END
    $$;
CREATE TRIGGER annotation_origins_inserted AFTER INSERT ON shugu.annotation_origins
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shugu.origins_changed();
CREATE TRIGGER annotation_origins_updated AFTER UPDATE ON shugu.annotation_origins
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shugu.origins_changed();
CREATE TRIGGER annotation_origins_deleted AFTER DELETE ON shugu.annotation_origins
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shugu.origins_changed();
REVOKE ALL ON FUNCTION shugu.origins_changed() FROM PUBLIC;
