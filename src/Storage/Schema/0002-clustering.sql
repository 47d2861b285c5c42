-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet 10.4.x.
--
-- One version row per cluster (DeploymentId = ClusterId): every membership change bumps it, and a change
-- made against a stale version must affect no row, which is how Orleans detects a concurrent writer.
-- Times are timestamptz because Orleans passes UTC DateTimes, which Npgsql sends as timestamptz.

CREATE TABLE orleansmembershipversiontable
(
    deploymentid varchar(150)   NOT NULL,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT pk_orleansmembershipversiontable_deploymentid PRIMARY KEY (deploymentid)
);

CREATE TABLE orleansmembershiptable
(
    deploymentid varchar(150)   NOT NULL,
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer        NULL,
    suspecttimes varchar(8000)  NULL,
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,
    CONSTRAINT pk_membershiptable_deploymentid PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_membershiptable_membershipversiontable_deploymentid
        FOREIGN KEY (deploymentid) REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Heartbeats may arrive out of order; GREATEST keeps a late one from moving the liveness time back.
CREATE FUNCTION parking_membership_heartbeat(
    p_deployment_id orleansmembershiptable.deploymentid%TYPE,
    p_address       orleansmembershiptable.address%TYPE,
    p_port          orleansmembershiptable.port%TYPE,
    p_generation    orleansmembershiptable.generation%TYPE,
    p_i_am_alive    orleansmembershiptable.iamalivetime%TYPE)
RETURNS void
LANGUAGE plpgsql AS
$body$
BEGIN
    UPDATE orleansmembershiptable AS m
       SET iamalivetime = GREATEST(m.iamalivetime, p_i_am_alive)
     WHERE m.deploymentid = p_deployment_id
       AND m.address = p_address
       AND m.port = p_port
       AND m.generation = p_generation;
END
$body$;

-- Returns 1 when this call created the version row, 0 when it already existed.
CREATE FUNCTION parking_membership_insert_version(
    p_deployment_id orleansmembershipversiontable.deploymentid%TYPE)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS
$body$
DECLARE
    v_rows integer;
BEGIN
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (p_deployment_id)
    ON CONFLICT (deploymentid) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN QUERY SELECT v_rows;
END
$body$;

-- Adds a silo row only if the caller saw the current table version. The version is bumped first, so a
-- concurrent writer with the same version blocks on that row and then finds it changed. On failure
-- the block's exception handler undoes the bump and 0 is returned (RAISE rather than ASSERT, so the
-- outcome does not depend on plpgsql.check_asserts).
CREATE FUNCTION parking_membership_insert(
    p_deployment_id orleansmembershiptable.deploymentid%TYPE,
    p_address       orleansmembershiptable.address%TYPE,
    p_port          orleansmembershiptable.port%TYPE,
    p_generation    orleansmembershiptable.generation%TYPE,
    p_silo_name     orleansmembershiptable.siloname%TYPE,
    p_host_name     orleansmembershiptable.hostname%TYPE,
    p_status        orleansmembershiptable.status%TYPE,
    p_proxy_port    orleansmembershiptable.proxyport%TYPE,
    p_start_time    orleansmembershiptable.starttime%TYPE,
    p_i_am_alive    orleansmembershiptable.iamalivetime%TYPE,
    p_version       orleansmembershipversiontable.version%TYPE)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS
$body$
DECLARE
    v_rows integer := 0;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
           SET timestamp = now(), version = version + 1
         WHERE deploymentid = p_deployment_id
           AND version = p_version
           AND version < 2147483647;
        GET DIAGNOSTICS v_rows = ROW_COUNT;

        IF v_rows > 0 THEN
            INSERT INTO orleansmembershiptable
                (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
            VALUES
                (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive)
            ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;
            GET DIAGNOSTICS v_rows = ROW_COUNT;
        END IF;

        IF v_rows = 0 THEN
            RAISE EXCEPTION 'membership insert lost the race' USING ERRCODE = 'P0004';
        END IF;

        RETURN QUERY SELECT v_rows;
    EXCEPTION WHEN assert_failure THEN
        RETURN QUERY SELECT 0;
    END;
END
$body$;

-- Changes a silo row only if the caller saw the current table version; same rollback rule as above.
CREATE FUNCTION parking_membership_update(
    p_deployment_id orleansmembershiptable.deploymentid%TYPE,
    p_address       orleansmembershiptable.address%TYPE,
    p_port          orleansmembershiptable.port%TYPE,
    p_generation    orleansmembershiptable.generation%TYPE,
    p_status        orleansmembershiptable.status%TYPE,
    p_suspect_times orleansmembershiptable.suspecttimes%TYPE,
    p_i_am_alive    orleansmembershiptable.iamalivetime%TYPE,
    p_version       orleansmembershipversiontable.version%TYPE)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS
$body$
DECLARE
    v_rows integer := 0;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
           SET timestamp = now(), version = version + 1
         WHERE deploymentid = p_deployment_id
           AND version = p_version
           AND version < 2147483647;
        GET DIAGNOSTICS v_rows = ROW_COUNT;

        IF v_rows > 0 THEN
            UPDATE orleansmembershiptable
               SET status = p_status,
                   suspecttimes = p_suspect_times,
                   iamalivetime = GREATEST(iamalivetime, p_i_am_alive)
             WHERE deploymentid = p_deployment_id
               AND address = p_address
               AND port = p_port
               AND generation = p_generation;
            GET DIAGNOSTICS v_rows = ROW_COUNT;
        END IF;

        IF v_rows = 0 THEN
            RAISE EXCEPTION 'membership update lost the race' USING ERRCODE = 'P0004';
        END IF;

        RETURN QUERY SELECT v_rows;
    EXCEPTION WHEN assert_failure THEN
        RETURN QUERY SELECT 0;
    END;
END
$body$;

-- The query texts. ON CONFLICT keeps a re-run harmless should someone apply this file by hand.
INSERT INTO orleansquery (querykey, querytext) VALUES
('UpdateIAmAlivetimeKey', $q$
    SELECT * FROM parking_membership_heartbeat(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);
$q$),
('InsertMembershipVersionKey', $q$
    SELECT * FROM parking_membership_insert_version(@DeploymentId);
$q$),
('InsertMembershipKey', $q$
    SELECT * FROM parking_membership_insert(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),
('UpdateMembershipKey', $q$
    SELECT * FROM parking_membership_update(
        @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),
-- The version row is returned even when the silo has no row yet (outer join), so Orleans always learns the version.
('MembershipReadRowKey', $q$
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
           m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid
       AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
     WHERE v.deploymentid = @DeploymentId;
$q$),
('MembershipReadAllKey', $q$
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
           m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
     WHERE v.deploymentid = @DeploymentId;
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),
-- Clients find gateways here: silos with the requested status (Active) that open a proxy port.
('GatewaysQueryKey', $q$
    SELECT address, proxyport, generation
      FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
$q$),
-- Bulk cleanup of long-dead silos (status 6 = Dead) that nobody still suspects. Without this row the
-- provider fails at start, and a wrong one silently deletes live silos: keep the Dead filter.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
       AND iamalivetime < @IAmAliveTime
       AND starttime < @IAmAliveTime
       AND COALESCE(suspecttimes, '') = ''
       AND status = 6;
$q$),
-- Cleanup of one Dead row, only if it is still exactly as the caller read it.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
       AND status = 6
       AND address = @Address AND port = @Port AND generation = @Generation
       AND iamalivetime = @IAmAliveTime AND starttime = @StartTime
       AND COALESCE(suspecttimes, '') = COALESCE(@SuspectTimes, '');
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
