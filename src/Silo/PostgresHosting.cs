using Parking.Storage;

namespace Parking.Silo;

/// <summary>PostgreSQL as the production store: the connection string, the schema, and what it changes.</summary>
public static partial class PostgresHosting
{
    /// <summary>Brings the schema up to date when the host starts, before anything registered after it.</summary>
    public static WebApplicationBuilder AddSchemaMigration(this WebApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddSingleton(sp => new SchemaMigrator(connectionString, sp.GetRequiredService<ILogger<SchemaMigrator>>()));
        builder.AddStorageSettings();
        builder.Services.AddHostedService<SchemaMigrationService>();
        return builder;
    }

    /// <summary>
    /// <c>migrate</c>: applies the schema with the silo's configuration (appsettings, environment, command
    /// line) and exits, for deployments that migrate as a separate step before rolling out silos.
    /// </summary>
    public static async Task<int> MigrateAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var settings = builder.AddStorageSettings();
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PostgresHosting));
        var connectionString = settings.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            LogNoConnectionString(logger);
            return 2;
        }

        var applied = await new SchemaMigrator(connectionString, host.Services.GetRequiredService<ILogger<SchemaMigrator>>())
            .MigrateWithRetryAsync(settings.Postgres);
        LogMigrated(logger, applied.Count);
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "migrate needs ConnectionStrings:Parking (environment ConnectionStrings__Parking)")]
    private static partial void LogNoConnectionString(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema migration done: {Applied} scripts applied")]
    private static partial void LogMigrated(ILogger logger, int applied);
}

/// <summary>
/// Runs the migrator in the hosts' "starting" phase, which completes for every service before any is
/// started: Orleans' clustering, storage and reminder providers need the tables and queries when the
/// silo starts. Concurrent silos are serialized by the migrator's advisory lock. A server that cannot be
/// reached yet, or has no free connection, is waited for (see <see cref="PostgresOptions"/>) instead of
/// crashing the silo; until then the silo does not listen, so load balancers see it as not ready.
/// </summary>
public sealed class SchemaMigrationService(SchemaMigrator migrator, PostgresOptions options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken) => await migrator.MigrateWithRetryAsync(options, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
