using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Parking.Storage.Tests;

[Collection(PostgresCollection.Name)]
public class SchemaMigratorTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrations_apply_on_an_empty_database_and_a_second_run_applies_nothing()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        var migrator = new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(migrator.Scripts.Select(s => s.Name), first);
        Assert.Contains("0001-orleans-query.sql", first);
        Assert.Contains("0004-reminders.sql", first);
        Assert.Empty(second);
        var recorded = await QueryAsync(connectionString, "SELECT name FROM parking_schema_version ORDER BY version");
        Assert.Equal(first, recorded);
    }

    [Fact]
    public async Task Concurrent_silos_apply_each_script_exactly_once()
    {
        var connectionString = await postgres.NewDatabaseAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync()));

        var scripts = SchemaScript.Embedded().Select(s => s.Name).ToList();
        Assert.Equal(scripts.Order(StringComparer.Ordinal), runs.SelectMany(r => r).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_query_the_providers_need_is_in_the_catalogue()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();

        var keys = await QueryAsync(connectionString, "SELECT querykey FROM orleansquery");

        string[] required =
        [
            // Microsoft.Orleans.Clustering.AdoNet 10.4.2
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
            // Microsoft.Orleans.Persistence.AdoNet 10.4.2
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            // Microsoft.Orleans.Reminders.AdoNet 10.4.2
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        Assert.All(required, key => Assert.Contains(key, keys));
    }

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
