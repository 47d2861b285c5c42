using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parking.Grains.History;

namespace Parking.Storage.History;

public static class ReservationHistoryHosting
{
    /// <summary>
    /// The reservation and charging session histories: in PostgreSQL when <c>ConnectionStrings:Parking</c> is set, else in memory
    /// (the embedded default). Options come from <c>Parking:History</c>. Add it before the silo: hosted
    /// services stop in reverse order, so the writer then outlives the silo and writes what its grains
    /// appended while they deactivated.
    /// </summary>
    public static IHostApplicationBuilder AddParkingHistory(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.AddStorageSettings();
        var connectionString = settings.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddInMemoryReservationHistory();
            return builder;
        }

        builder.Services.AddPostgresHistory(connectionString, settings.History);
        return builder;
    }

    /// <summary>
    /// The reservation and charging session histories in PostgreSQL, each a background writer that runs as a hosted
    /// service.
    /// </summary>
    public static IServiceCollection AddPostgresHistory(this IServiceCollection services, string connectionString, ReservationHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => new PostgresReservationHistory(connectionString, options, sp.GetRequiredService<ILogger<PostgresReservationHistory>>()));
        services.AddSingleton<IReservationHistory>(sp => sp.GetRequiredService<PostgresReservationHistory>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresReservationHistory>());
        services.AddSingleton(sp => new PostgresChargingHistory(connectionString, options, sp.GetRequiredService<ILogger<PostgresChargingHistory>>()));
        services.AddSingleton<IChargingHistory>(sp => sp.GetRequiredService<PostgresChargingHistory>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChargingHistory>());
        return services;
    }
}
