using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parking.Grains.History;

public static class ReservationHistoryServices
{
    /// <summary>The in-memory history, unless another one is registered already.</summary>
    public static IServiceCollection AddInMemoryReservationHistory(this IServiceCollection services)
    {
        services.TryAddSingleton<InMemoryReservationHistory>();
        services.TryAddSingleton<IReservationHistory>(sp => sp.GetRequiredService<InMemoryReservationHistory>());
        return services;
    }
}
