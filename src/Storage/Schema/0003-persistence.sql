-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.x (the "parking" storage).
--
-- A row is one grain's state under one state name: the provider passes the state name ("space",
-- "resident", "compound", "hub-directory") as graintypestring, which is why every grain type must use
-- its own name. version is the ETag: a write names the version it read and succeeds only if the row
-- still has it; otherwise the provider raises InconsistentStateException.

CREATE TABLE orleansstorage
(
    grainidhash            integer        NOT NULL,
    grainidn0              bigint         NOT NULL,
    grainidn1              bigint         NOT NULL,
    graintypehash          integer        NOT NULL,
    graintypestring        varchar(512)   NOT NULL,
    grainidextensionstring varchar(512)   NULL,
    serviceid              varchar(150)   NOT NULL,
    payloadbinary          bytea          NULL,
    modifiedon             timestamptz(3) NOT NULL DEFAULT now(),
    version                integer        NULL
);

-- One row per grain and state name, enforced by the database: two first writes racing (say, a brief
-- duplicate activation during a membership change) cannot both insert. The extension string may be
-- NULL, which a plain unique index would treat as distinct, hence the COALESCE.
CREATE UNIQUE INDEX ux_orleansstorage_grain
    ON orleansstorage (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring,
                       (COALESCE(grainidextensionstring, '')));

-- Returns the new version, or the unchanged/absent one when the caller's version was stale, which the
-- provider turns into InconsistentStateException.
CREATE FUNCTION parking_storage_write(
    p_grain_id_hash   integer,
    p_grain_id_n0     bigint,
    p_grain_id_n1     bigint,
    p_grain_type_hash integer,
    p_grain_type      varchar,
    p_grain_id_ext    varchar,
    p_service_id      varchar,
    p_version         integer,
    p_payload         bytea)
RETURNS TABLE(newgrainstateversion integer)
LANGUAGE plpgsql AS
$body$
DECLARE
    v_new integer;
BEGIN
    IF p_version IS NULL THEN
        -- First write: there must be no row yet.
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
             serviceid, payloadbinary, modifiedon, version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_grain_id_ext,
             p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new;
    ELSE
        UPDATE orleansstorage
           SET payloadbinary = p_payload, modifiedon = now(), version = version + 1
         WHERE grainidhash = p_grain_id_hash
           AND graintypehash = p_grain_type_hash
           AND serviceid = p_service_id
           AND grainidn0 = p_grain_id_n0
           AND grainidn1 = p_grain_id_n1
           AND graintypestring = p_grain_type
           AND COALESCE(grainidextensionstring, '') = COALESCE(p_grain_id_ext, '')
           AND version = p_version
        RETURNING version INTO v_new;
        IF v_new IS NULL THEN
            v_new := p_version;
        END IF;
    END IF;
    RETURN QUERY SELECT v_new;
END
$body$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey', $q$
    SELECT * FROM parking_storage_write(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$),
('ReadFromStorageKey', $q$
    SELECT payloadbinary, modifiedon, version
      FROM orleansstorage
     WHERE grainidhash = @GrainIdHash
       AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId
       AND grainidn0 = @GrainIdN0
       AND grainidn1 = @GrainIdN1
       AND graintypestring = @GrainTypeString
       AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '');
$q$),
-- Clearing keeps the row (and bumps its version) so a stale writer still loses afterwards.
('ClearStorageKey', $q$
    UPDATE orleansstorage
       SET payloadbinary = NULL, modifiedon = now(), version = version + 1
     WHERE grainidhash = @GrainIdHash
       AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId
       AND grainidn0 = @GrainIdN0
       AND grainidn1 = @GrainIdN1
       AND graintypestring = @GrainTypeString
       AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
       AND version = @GrainStateVersion
    RETURNING version AS newgrainstateversion;
$q$),
-- Only used with DeleteStateOnClear (off here); present so turning it on cannot fail silo start.
('DeleteStorageKey', $q$
    DELETE FROM orleansstorage
     WHERE grainidhash = @GrainIdHash
       AND graintypehash = @GrainTypeHash
       AND serviceid = @ServiceId
       AND grainidn0 = @GrainIdN0
       AND grainidn1 = @GrainIdN1
       AND graintypestring = @GrainTypeString
       AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
       AND version = @GrainStateVersion
    RETURNING version + 1 AS newgrainstateversion;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
