-- Shugu's schema on a team server, version 2: what the PostgreSQL store
-- (`project::postgres::store`) needs beyond version 1.
--
-- * An annotation's origin (the model and score of an accepted proposal) in
--   a table of its own keyed by the annotation's id, as in the SQLite store:
--   it stays when the annotation is deleted, so that undoing the delete
--   brings the annotation back with it. The columns version 1 kept on
--   `annotations` go.
-- * Comments are pinned to an `annotation` (no longer a `box`) or a `span`.
-- * Span ids are handed out in consecutive runs (a text import numbers its
--   spans before storing them) by `take_span_ids`, and raised past a
--   restored span's id by `raise_span_floor`; both under a short advisory
--   lock of their own, released before they return, never for the
--   transaction.
-- * Everyone may read the sequences (the largest ids given out) and take
--   ids from them: the store numbers a batch of new rows before it writes
--   them, so the ids follow the order of the edit.

CREATE TABLE shugu.annotation_origins (
    annotation_id bigint PRIMARY KEY,
    source text NOT NULL,
    score real NOT NULL
);
INSERT INTO shugu.annotation_origins (annotation_id, source, score)
SELECT id, origin_source, coalesce(origin_score, 0) FROM shugu.annotations
 WHERE origin_source IS NOT NULL;
ALTER TABLE shugu.annotations DROP COLUMN origin_source, DROP COLUMN origin_score;

ALTER TABLE shugu.comments DROP CONSTRAINT comments_target_kind_check;
UPDATE shugu.comments SET target_kind = 'annotation' WHERE target_kind = 'box';
ALTER TABLE shugu.comments ADD CONSTRAINT comments_target_kind_check
    CHECK (target_kind IN ('annotation', 'span'));

-- The largest span id handed out so far (0 when none was).
CREATE FUNCTION shugu.span_floor() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = shugu, pg_catalog
    AS $$
        SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM shugu.span_ids
    $$;

-- Hands out `how_many` consecutive span ids; returns the first.
CREATE FUNCTION shugu.take_span_ids(how_many bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = shugu, pg_catalog
    AS $$
    DECLARE
        first bigint;
    BEGIN
        IF how_many IS NULL OR how_many < 1 THEN
            RAISE EXCEPTION 'span ids are taken one or more at a time, not %', how_many
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- "SHUGU" and 2. A session lock, so it ends here and not with the
        -- transaction; the exception handler releases it on any error.
        PERFORM pg_advisory_lock(6001140268328288258);
        BEGIN
            first := nextval('shugu.span_ids');
            IF how_many > 1 THEN
                PERFORM setval('shugu.span_ids', first + how_many - 1);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_advisory_unlock(6001140268328288258);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(6001140268328288258);
        RETURN first;
    END
    $$;

-- Makes sure new spans get ids above `id` (a span restored under its id).
CREATE FUNCTION shugu.raise_span_floor(id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = shugu, pg_catalog
    AS $$
    BEGIN
        PERFORM pg_advisory_lock(6001140268328288258);
        BEGIN
            IF id > shugu.span_floor() THEN
                PERFORM setval('shugu.span_ids', id);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_advisory_unlock(6001140268328288258);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(6001140268328288258);
    END
    $$;

REVOKE ALL ON FUNCTION shugu.span_floor(), shugu.take_span_ids(bigint),
    shugu.raise_span_floor(bigint) FROM PUBLIC;

DO $$
DECLARE
    annotator text := (SELECT name FROM shugu.roles WHERE kind = 'annotator');
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON shugu.annotation_origins TO %I', annotator);
    EXECUTE format('GRANT EXECUTE ON FUNCTION shugu.span_floor(), shugu.take_span_ids(bigint),
                    shugu.raise_span_floor(bigint) TO %I', annotator);
    EXECUTE format('GRANT SELECT, USAGE ON ALL SEQUENCES IN SCHEMA shugu TO %I', annotator);
END
$$;
