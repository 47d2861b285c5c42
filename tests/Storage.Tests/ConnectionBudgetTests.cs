using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Parking.Testing;
using Xunit;

namespace Parking.Storage.Tests;

public class ConnectionBudgetTests
{
    [Fact]
    public void The_configured_pool_limit_is_applied_unless_the_connection_string_names_one()
    {
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Parking"] = "Host=db;Username=parking;Database=parking",
            ["Parking:Postgres:MaxPoolSize"] = "12",
        }).Build();
        var defaulted = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Parking"] = "Host=db;Username=parking;Database=parking",
        }).Build();
        var explicitInString = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Parking"] = "Host=db;Username=parking;Database=parking;Maximum Pool Size=7",
            ["Parking:Postgres:MaxPoolSize"] = "12",
        }).Build();

        Assert.Equal(12, new NpgsqlConnectionStringBuilder(StorageSettings.Read(configured).ConnectionString).MaxPoolSize);
        Assert.Equal(new PostgresOptions().MaxPoolSize, new NpgsqlConnectionStringBuilder(StorageSettings.Read(defaulted).ConnectionString).MaxPoolSize);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(StorageSettings.Read(explicitInString).ConnectionString).MaxPoolSize);
        Assert.Null(StorageSettings.Read(new ConfigurationBuilder().Build()).ConnectionString);
    }

    [Fact]
    public void Automatic_preparation_is_on_by_default_unless_configured_or_named_in_the_connection_string()
    {
        static int AutoPrepare(params (string Key, string Value)[] values) =>
            new NpgsqlConnectionStringBuilder(StorageSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(
                values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build()).ConnectionString).MaxAutoPrepare;

        Assert.Equal(new PostgresOptions().MaxAutoPrepare, AutoPrepare(("ConnectionStrings:Parking", "Host=db;Username=parking")));
        Assert.True(new PostgresOptions().MaxAutoPrepare > 0);
        Assert.Equal(0, AutoPrepare(("ConnectionStrings:Parking", "Host=db;Username=parking"), ("Parking:Postgres:MaxAutoPrepare", "0")));
        Assert.Equal(5, AutoPrepare(("ConnectionStrings:Parking", "Host=db;Username=parking;Max Auto Prepare=5"), ("Parking:Postgres:MaxAutoPrepare", "40")));

        static bool NoReset(string connectionString, string? resetOnClose = null) =>
            new NpgsqlConnectionStringBuilder(StorageSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(
                [KeyValuePair.Create("ConnectionStrings:Parking", (string?)connectionString), KeyValuePair.Create("Parking:Postgres:ResetOnClose", resetOnClose)]).Build()).ConnectionString).NoResetOnClose;

        Assert.True(NoReset("Host=db;Username=parking"));
        Assert.False(NoReset("Host=db;Username=parking", resetOnClose: "true"));
        Assert.False(NoReset("Host=db;Username=parking;No Reset On Close=false"));
    }

    [Fact]
    public async Task A_starting_silo_waits_for_a_free_connection_instead_of_failing_and_then_migrates()
    {
        await using var server = await PostgresServer.StartAsync(maxConnections: 8);
        var connectionString = await server.CreateDatabaseAsync("budget");

        // Every connection the server allows is taken, as when other silos' pools hold them all. The database was made
        // over a pooled connection, which would stay idle in this process's pool and could be closed at any moment by
        // another test clearing every pool (PostgresCluster does), freeing a slot: close it first and see its backend
        // gone (bounded), so that none but the held connections are left.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(server.AdminConnectionString));
        var held = new List<NpgsqlConnection>();
        Task<IReadOnlyList<string>> migrating;
        try
        {
            var watcher = new NpgsqlConnection(server.ConnectionString("postgres", maxPoolSize: 1) + ";Pooling=false");
            await watcher.OpenAsync();
            held.Add(watcher);
            var alone = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
            await using (var others = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()", watcher))
            {
                while ((long)(await others.ExecuteScalarAsync())! > 0 && DateTimeOffset.UtcNow < alone)
                {
                    await Task.Delay(50);
                }
            }

            while (true)
            {
                var connection = new NpgsqlConnection(server.ConnectionString("postgres", maxPoolSize: 1) + ";Pooling=false");
                try
                {
                    await connection.OpenAsync();
                }
                catch (PostgresException e) when (e.SqlState == "53300")
                {
                    await connection.DisposeAsync();
                    break;
                }

                held.Add(connection);
            }

            var migrator = new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance);
            migrating = migrator.MigrateWithRetryAsync(new PostgresOptions { StartupRetryMaxDelay = TimeSpan.FromMilliseconds(500) });

            // It cannot succeed while the server is full; it must not have failed either.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(migrating.IsCompleted, migrating.Exception?.ToString() ?? "the migration finished while the server had no free connection");
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // Once connections free up, the same call goes on to apply every script.
        var applied = await migrating.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(SchemaScript.Embedded().Select(s => s.Name), applied);
    }

    [Fact]
    public async Task A_server_that_never_comes_is_given_up_on_after_the_retry_limit()
    {
        var nobody = $"Host=127.0.0.1;Port={FreePorts.Next()};Username=postgres;Database=none;Timeout=2";
        var migrator = new SchemaMigrator(nobody, NullLogger<SchemaMigrator>.Instance);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => migrator.MigrateWithRetryAsync(new PostgresOptions
        {
            StartupRetryLimit = TimeSpan.FromSeconds(2),
            StartupRetryMaxDelay = TimeSpan.FromMilliseconds(500),
        }));
    }
}
