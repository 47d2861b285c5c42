using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Parking.Grains;
using Parking.Storage.History;

namespace Parking.Storage;

/// <summary>
/// The storage settings a silo runs with, read once: <c>ConnectionStrings:Parking</c> (already bounded by
/// <c>Parking:Postgres:MaxPoolSize</c>; null for the embedded default), <c>Parking:Postgres</c> and <c>Parking:History</c>.
/// </summary>
public sealed record StorageSettings(string? ConnectionString, PostgresOptions Postgres, ReservationHistoryOptions History)
{
    /// <summary>
    /// Reads and checks the storage sections. A value storage would misread or fail on later stops here with an
    /// <see cref="OptionsValidationException"/> naming every such key and why. The connection string itself is never
    /// echoed: it may hold a password.
    /// </summary>
    public static StorageSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var postgres = configuration.GetSection(PostgresOptions.SectionName).Get<PostgresOptions>() ?? new PostgresOptions();
        var history = configuration.GetSection(ReservationHistoryOptions.SectionName).Get<ReservationHistoryOptions>() ?? new ReservationHistoryOptions();
        var raw = configuration.GetConnectionString(PostgresConnection.ConnectionStringName);
        var check = new SettingsCheck(PostgresOptions.SectionName);
        Check(postgres, check);
        Check(history, check.Section(ReservationHistoryOptions.SectionName));
        string? connectionString = null;
        if (!string.IsNullOrWhiteSpace(raw))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(raw);
                if (postgres.MaxPoolSize >= 1)
                {
                    connectionString = PostgresConnection.WithPoolLimit(raw, postgres.MaxPoolSize);
                }

                if (connectionString is not null && postgres.MaxAutoPrepare >= 0)
                {
                    connectionString = PostgresConnection.Tuned(connectionString, postgres.MaxAutoPrepare, postgres.ResetOnClose);
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                check.Section("ConnectionStrings").Refuse(PostgresConnection.ConnectionStringName, $"is not a PostgreSQL connection string ({e.Message})");
            }
        }

        check.ThrowIfFailed(typeof(StorageSettings));
        return new StorageSettings(connectionString, postgres, history);
    }

    /// <summary>True for the embedded default (no <c>ConnectionStrings:Parking</c>): grain state in memory, no real data.</summary>
    public bool IsEmbedded => ConnectionString is null;

    private static void Check(PostgresOptions options, SettingsCheck check)
    {
        check.AtLeastOne(nameof(options.MaxPoolSize), options.MaxPoolSize);
        check.That(options.MaxAutoPrepare is >= 0 and <= 1000, nameof(options.MaxAutoPrepare), $"be 0 (no automatic preparation) to 1000 (was {options.MaxAutoPrepare})");
        check.That(options.StartupRetryLimit >= TimeSpan.Zero, nameof(options.StartupRetryLimit), $"be 0 (no retry) or longer (was {options.StartupRetryLimit})");
        check.LongerThanZero(nameof(options.StartupRetryMaxDelay), options.StartupRetryMaxDelay);
    }

    private static void Check(ReservationHistoryOptions options, SettingsCheck check)
    {
        check.AtLeastOne(nameof(options.QueueCapacity), options.QueueCapacity);
        check.AtLeastOne(nameof(options.BatchSize), options.BatchSize);
        check.LongerThanZero(nameof(options.FirstRetryDelay), options.FirstRetryDelay);
        check.That(
            options.MaxRetryDelay >= options.FirstRetryDelay,
            nameof(options.MaxRetryDelay),
            $"be at least {nameof(options.FirstRetryDelay)} (was {options.MaxRetryDelay}, {options.FirstRetryDelay})");
    }
}

public static class StorageSettingsHosting
{
    /// <summary>
    /// The one place storage settings are bound: reads and checks them (see <see cref="StorageSettings.Read"/>) while the
    /// host is composed, because whether PostgreSQL is used at all decides what gets registered, and registers the
    /// instances (<see cref="StorageSettings"/>, <see cref="PostgresOptions"/>, <see cref="ReservationHistoryOptions"/>).
    /// A second call returns the settings the first one read.
    /// </summary>
    public static StorageSettings AddStorageSettings(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.LastOrDefault(d => d.ServiceType == typeof(StorageSettings))?.ImplementationInstance is StorageSettings read)
        {
            return read;
        }

        var settings = StorageSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Postgres);
        builder.Services.AddSingleton(settings.History);
        return settings;
    }
}
