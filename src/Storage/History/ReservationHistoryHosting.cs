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

        var options = settings.History;
        builder.Services.AddSingleton(sp => new PostgresReservationHistory(connectionString, options, sp.GetRequiredService<ILogger<PostgresReservationHistory>>()));
        builder.Services.AddSingleton<IReservationHistory>(sp => sp.GetRequiredService<PostgresReservationHistory>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresReservationHistory>());
        builder.Services.AddSingleton(sp => new PostgresChargingHistory(connectionString, options, sp.GetRequiredService<ILogger<PostgresChargingHistory>>()));
        builder.Services.AddSingleton<IChargingHistory>(sp => sp.GetRequiredService<PostgresChargingHistory>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresChargingHistory>());
        return builder;
    }
}
