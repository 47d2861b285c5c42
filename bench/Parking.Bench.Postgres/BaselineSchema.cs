using Npgsql;
using NpgsqlTypes;
using Parking.Domain.Layout;
using Parking.Testing;

namespace Parking.Bench.Postgres;

/// <summary>
/// The baseline's tables, as a team without Orleans would write them: the layout (spaces and the walk
/// from each lot to each building) and one row per reservation with its window as a tstzrange, indexed
/// by GiST on (space, window) for the overlap check and the searches (btree_gist for the text column).
/// No exclusion constraint: the rule is enforced by the transaction (row lock on the space), so the
/// double-booking check after the run tests that code, not a constraint.
/// Credits as the same team would keep them: a row per household account (its balance, opened with the grant) and a
/// journal of double entries (debit, credit, amount). The compound's own account is the sum of its journal entries, not
/// a row every booking would update (that one row would queue every booking of the compound behind its lock).
/// </summary>
internal static class BaselineSchema
{
    public const string Database = "baseline";

    private const string Ddl = """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE space (
            space_id    text PRIMARY KEY,
            lot_id      text NOT NULL,
            label       text NOT NULL,
            kind        text NOT NULL,
            ownership   text NOT NULL,
            walk_offset integer NOT NULL);
        CREATE TABLE lot_walk (
            building_id text NOT NULL,
            lot_id      text NOT NULL,
            meters      integer NOT NULL,
            PRIMARY KEY (building_id, lot_id));
        CREATE TABLE reservation (
            id          uuid PRIMARY KEY,
            space_id    text NOT NULL REFERENCES space,
            resident_id text NOT NULL,
            during      tstzrange NOT NULL,
            plate       text,
            status      text NOT NULL DEFAULT 'reserved',
            created_at  timestamptz NOT NULL DEFAULT now());
        CREATE INDEX reservation_space_during ON reservation USING gist (space_id, during);
        CREATE INDEX reservation_resident ON reservation (resident_id);
        CREATE TABLE account (
            account     text PRIMARY KEY,
            balance     bigint NOT NULL);
        CREATE TABLE ledger_entry (
            id          bigserial PRIMARY KEY,
            at          timestamptz NOT NULL DEFAULT now(),
            kind        text NOT NULL,
            debit       text NOT NULL,
            credit      text NOT NULL,
            amount      bigint NOT NULL CHECK (amount > 0),
            reference   text);
        """;

    public static async Task CreateAsync(PostgresServer server, CompoundLayout layout)
    {
        await server.CreateDatabaseAsync(Database);
        await using var connection = new NpgsqlConnection(server.ConnectionString(Database));
        await connection.OpenAsync();
        await using (var ddl = new NpgsqlCommand(Ddl, connection))
        {
            await ddl.ExecuteNonQueryAsync();
        }

        await using (var spaces = await connection.BeginBinaryImportAsync("COPY space (space_id, lot_id, label, kind, ownership, walk_offset) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var space in layout.Lots.SelectMany(l => l.Spaces))
            {
                await spaces.StartRowAsync();
                await spaces.WriteAsync(space.SpaceId, NpgsqlDbType.Text);
                await spaces.WriteAsync(space.LotId, NpgsqlDbType.Text);
                await spaces.WriteAsync(space.Label, NpgsqlDbType.Text);
                await spaces.WriteAsync(space.Kind.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
                await spaces.WriteAsync(space.Ownership.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
                await spaces.WriteAsync(space.WalkOffsetMeters, NpgsqlDbType.Integer);
            }

            await spaces.CompleteAsync();
        }

        await using (var walks = await connection.BeginBinaryImportAsync("COPY lot_walk (building_id, lot_id, meters) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var lot in layout.Lots)
            {
                foreach (var (building, meters) in lot.WalkMetersToBuilding)
                {
                    await walks.StartRowAsync();
                    await walks.WriteAsync(building, NpgsqlDbType.Text);
                    await walks.WriteAsync(lot.LotId, NpgsqlDbType.Text);
                    await walks.WriteAsync(meters, NpgsqlDbType.Integer);
                }
            }

            await walks.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>Overlapping pairs of held reservations on one space (a self-join), and how many of the confirmed ids are stored.</summary>
    public static async Task<(long Rows, long Overlaps, long Stored)> CheckAsync(PostgresServer server, IReadOnlyCollection<string> confirmedIds, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(Database));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM reservation),
                   (SELECT count(*) FROM reservation a JOIN reservation b
                      ON a.space_id = b.space_id AND a.id < b.id AND a.during && b.during
                     WHERE a.status = 'reserved' AND b.status = 'reserved'),
                   (SELECT count(*) FROM reservation WHERE id = ANY($1))
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = confirmedIds.Select(Guid.Parse).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
