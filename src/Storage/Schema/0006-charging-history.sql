-- Metered charging sessions (Parking.Storage.History.PostgresChargingHistory): one row per OCPP transaction,
-- written when the charger stops it, with the energy per tariff level and its cost under the compound's
-- time-of-use tariff at that moment. Drivers read their own rows; staff sum them per charger and area. Rows are
-- only inserted (a retried batch is ignored by the unique key); the triggers refuse UPDATE, DELETE and TRUNCATE.

CREATE TABLE charging_session_history
(
    id              bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id     text          NOT NULL,
    area_id         text          NOT NULL,
    charger_id      text          NOT NULL,
    transaction_id  integer       NOT NULL,
    resident_id     text          NULL,
    request_id      text          NULL,
    started_at      timestamptz   NOT NULL,
    stopped_at      timestamptz   NOT NULL,
    meter_start_wh  bigint        NOT NULL,
    meter_stop_wh   bigint        NOT NULL CHECK (meter_stop_wh >= meter_start_wh),
    stop_reason     text          NULL,
    peak_kwh        double precision NOT NULL,
    flat_kwh        double precision NOT NULL,
    valley_kwh      double precision NOT NULL,
    amount          numeric(12, 2) NOT NULL,
    currency        text          NOT NULL,
    recorded_at     timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (compound_id, charger_id, transaction_id, started_at)
);

-- A driver's sessions, newest first.
CREATE INDEX charging_session_history_resident ON charging_session_history (compound_id, resident_id, started_at);

-- Staff's energy per charger and area over a period.
CREATE INDEX charging_session_history_compound_start ON charging_session_history (compound_id, started_at);

CREATE FUNCTION charging_session_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'charging_session_history is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER charging_session_history_append_only
    BEFORE UPDATE OR DELETE ON charging_session_history
    FOR EACH ROW EXECUTE FUNCTION charging_session_history_refuse_change();

CREATE TRIGGER charging_session_history_no_truncate
    BEFORE TRUNCATE ON charging_session_history
    FOR EACH STATEMENT EXECUTE FUNCTION charging_session_history_refuse_change();
