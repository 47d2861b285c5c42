-- Each compound keeps history that names a person for its retention period (PIPL): the history tables stay
-- append-only for every other change, but a transaction that declares the compound and the cutoff
-- (set_config('parking.retention_compound' / 'parking.retention_cutoff', ..., true), local to it) may delete that
-- compound's rows that lie wholly before the cutoff: for a reservation event, the event and its booking's window;
-- for a charging session, its stop. Anything else is refused as before.

CREATE OR REPLACE FUNCTION history_refuse_change_but_pseudonym() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    cutoff_text text := current_setting('parking.retention_cutoff', true);
    cutoff      timestamptz;
    old_row     jsonb;
BEGIN
    IF TG_OP = 'UPDATE'
       AND EXISTS (SELECT 1 FROM departed_people d
                   WHERE d.compound_id = OLD.compound_id AND d.resident_id = OLD.resident_id AND d.pseudonym = NEW.resident_id)
       AND (to_jsonb(NEW) - 'resident_id') = (to_jsonb(OLD) - 'resident_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND coalesce(cutoff_text, '') <> ''
       AND OLD.compound_id = current_setting('parking.retention_compound', true) THEN
        cutoff := cutoff_text::timestamptz;
        old_row := to_jsonb(OLD);
        IF coalesce(old_row ->> 'at', old_row ->> 'stopped_at')::timestamptz < cutoff
           AND coalesce(old_row ->> 'window_end', old_row ->> 'stopped_at')::timestamptz < cutoff THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
