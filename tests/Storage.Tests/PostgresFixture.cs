using Parking.Testing;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>One PostgreSQL server for the whole test assembly; each test makes its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>A fresh, empty database.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync("t_" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>A fresh database with the Parking schema applied.</summary>
    public async Task<string> NewMigratedDatabaseAsync()
    {
        var connectionString = await NewDatabaseAsync();
        await new SchemaMigrator(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return connectionString;
    }

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
