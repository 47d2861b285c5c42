using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>
/// A silo's connections prepare the statements they repeat (<see cref="PostgresOptions.MaxAutoPrepare"/>) and are not
/// reset each time they go back to the pool: the grain storage's write, run as Orleans runs it (a connection opened and
/// closed for each statement), is kept prepared on the server after a few runs, and stays correct (each write names the
/// version it read and gets the next one).
/// </summary>
[Collection(PostgresCollection.Name)]
public class PreparedStatementsTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_state_write_is_prepared_on_the_server_after_its_first_runs()
    {
        var database = await fixture.NewMigratedDatabaseAsync();
        var settings = StorageSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Parking"] = database,
        }).Build());

        // One connection in the pool, so every open below gets the same server session back, as a busy silo mostly does.
        var oneSession = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        string write;
        int backend;
        await using (var connection = new NpgsqlConnection(oneSession))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = 'WriteToStorageKey'", connection);
            write = (string)(await query.ExecuteScalarAsync())!;
            backend = connection.ProcessID;
        }

        int? version = null;
        for (var i = 0; i < 8; i++)
        {
            await using var connection = new NpgsqlConnection(oneSession);
            await connection.OpenAsync();
            Assert.Equal(backend, connection.ProcessID);
            await using var command = new NpgsqlCommand(write, connection);
            command.Parameters.Add(new NpgsqlParameter("GrainIdHash", NpgsqlDbType.Integer) { Value = 17 });
            command.Parameters.Add(new NpgsqlParameter("GrainIdN0", NpgsqlDbType.Bigint) { Value = 1L });
            command.Parameters.Add(new NpgsqlParameter("GrainIdN1", NpgsqlDbType.Bigint) { Value = 2L });
            command.Parameters.Add(new NpgsqlParameter("GrainTypeHash", NpgsqlDbType.Integer) { Value = 3 });
            command.Parameters.Add(new NpgsqlParameter("GrainTypeString", NpgsqlDbType.Varchar) { Value = "space" });
            command.Parameters.Add(new NpgsqlParameter("GrainIdExtensionString", NpgsqlDbType.Varchar) { Value = "compound/space-1" });
            command.Parameters.Add(new NpgsqlParameter("ServiceId", NpgsqlDbType.Varchar) { Value = "parking" });
            command.Parameters.Add(new NpgsqlParameter("GrainStateVersion", NpgsqlDbType.Integer) { Value = version is { } v ? v : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("PayloadBinary", NpgsqlDbType.Bytea) { Value = new byte[] { (byte)i } });
            var next = (int)(await command.ExecuteScalarAsync())!;
            Assert.Equal((version ?? 0) + 1, next);
            version = next;
        }

        await using (var connection = new NpgsqlConnection(oneSession))
        {
            await connection.OpenAsync();
            await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%parking_storage_write%'", connection);
            Assert.Equal(1L, (long)(await prepared.ExecuteScalarAsync())!);

            // And no reset ran in between: a reset rolls back a session setting such as this one.
            await using var set = new NpgsqlCommand("SELECT set_config('application_name', 'kept', false)", connection);
            await set.ExecuteScalarAsync();
        }

        await using (var connection = new NpgsqlConnection(oneSession))
        {
            await connection.OpenAsync();
            await using var name = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
            Assert.Equal("kept", (string)(await name.ExecuteScalarAsync())!);
        }

        await using (var admin = new NpgsqlConnection(database))
        {
            await admin.OpenAsync();
            await using var stored = new NpgsqlCommand("SELECT version FROM orleansstorage WHERE graintypestring = 'space'", admin);
            Assert.Equal(8, (int)(await stored.ExecuteScalarAsync())!);
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(oneSession));
    }
}
