-- A person who leaves a compound (PIPL) is replaced in its history by one pseudonym: the history tables stay
-- append-only for every other change, but the one change "this resident id becomes that pseudonym" is allowed, row
-- by row, and rows written after the person left (a queued event, a session stopped later) take the pseudonym as
-- they are inserted. departed_people lists who left which compound, under which pseudonym.

CREATE TABLE departed_people
(
    compound_id text        NOT NULL,
    resident_id text        NOT NULL,
    pseudonym   text        NOT NULL,
    departed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (compound_id, resident_id)
);

-- Rows inserted after the person left carry the pseudonym.
CREATE FUNCTION history_pseudonymise_insert() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    replacement text;
BEGIN
    IF NEW.resident_id IS NOT NULL THEN
        SELECT pseudonym INTO replacement FROM departed_people
        WHERE compound_id = NEW.compound_id AND resident_id = NEW.resident_id;
        IF FOUND THEN
            NEW.resident_id := replacement;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

-- The only update a history row accepts: its resident id replaced by that person's pseudonym, nothing else changed.
CREATE FUNCTION history_refuse_change_but_pseudonym() RETURNS trigger
LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'UPDATE'
       AND EXISTS (SELECT 1 FROM departed_people d
                   WHERE d.compound_id = OLD.compound_id AND d.resident_id = OLD.resident_id AND d.pseudonym = NEW.resident_id)
       AND (to_jsonb(NEW) - 'resident_id') = (to_jsonb(OLD) - 'resident_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

DROP TRIGGER reservation_history_append_only ON reservation_history;
CREATE TRIGGER reservation_history_append_only
    BEFORE UPDATE OR DELETE ON reservation_history
    FOR EACH ROW EXECUTE FUNCTION history_refuse_change_but_pseudonym();
CREATE TRIGGER reservation_history_departed
    BEFORE INSERT ON reservation_history
    FOR EACH ROW EXECUTE FUNCTION history_pseudonymise_insert();

DROP TRIGGER charging_session_history_append_only ON charging_session_history;
CREATE TRIGGER charging_session_history_append_only
    BEFORE UPDATE OR DELETE ON charging_session_history
    FOR EACH ROW EXECUTE FUNCTION history_refuse_change_but_pseudonym();
CREATE TRIGGER charging_session_history_departed
    BEFORE INSERT ON charging_session_history
    FOR EACH ROW EXECUTE FUNCTION history_pseudonymise_insert();
