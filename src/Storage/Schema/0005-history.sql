-- The append-only history of reservations (Parking.Storage.History.PostgresReservationHistory): one row
-- per stored change, carrying the reservation's whole state after it, for staff reports and the
-- simulator. Rows are only ever inserted; the trigger below refuses UPDATE, DELETE and TRUNCATE, so a
-- report can be recomputed from the same rows at any later time. A row written twice (a batch whose
-- commit was acknowledged too late and retried) is harmless: reports keep the newest revision of each
-- reservation.

CREATE TABLE reservation_history
(
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL,
    compound_id    text        NOT NULL,
    lot_id         text        NOT NULL,
    space_id       text        NOT NULL,
    reservation_id text        NOT NULL,
    resident_id    text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('created', 'checkedIn', 'completed', 'cancelled', 'noShow')),
    window_start   timestamptz NOT NULL,
    window_end     timestamptz NOT NULL,
    checked_in_at  timestamptz NULL,
    ended_at       timestamptz NULL,
    revision       integer     NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- The event stream of a lot in time order (the simulator's calibration reads it so).
CREATE INDEX reservation_history_compound_lot_at ON reservation_history (compound_id, lot_id, at);

-- Reports select the reservations whose window reaches into their period.
CREATE INDEX reservation_history_compound_window ON reservation_history (compound_id, window_start);

CREATE FUNCTION reservation_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'reservation_history is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER reservation_history_append_only
    BEFORE UPDATE OR DELETE ON reservation_history
    FOR EACH ROW EXECUTE FUNCTION reservation_history_refuse_change();

CREATE TRIGGER reservation_history_no_truncate
    BEFORE TRUNCATE ON reservation_history
    FOR EACH STATEMENT EXECUTE FUNCTION reservation_history_refuse_change();
