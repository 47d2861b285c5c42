using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parking.Grains.History;

public static class ReservationHistoryServices
{
    /// <summary>The in-memory histories (reservations and charging sessions), unless others are registered already.</summary>
    public static IServiceCollection AddInMemoryReservationHistory(this IServiceCollection services)
    {
        services.TryAddSingleton<InMemoryReservationHistory>();
        services.TryAddSingleton<IReservationHistory>(sp => sp.GetRequiredService<InMemoryReservationHistory>());
        services.TryAddSingleton<IChargingHistory, InMemoryChargingHistory>();
        return services;
    }
}
