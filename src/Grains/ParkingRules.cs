using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Gates;
using Parking.Domain.Ocpp;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Domain.Shelters;
using Parking.Grains.Notices;

namespace Parking.Grains;

/// <summary>The settings of the rules the grains apply, bound in one place for every host that runs them.</summary>
public static class ParkingRules
{
    /// <summary>
    /// Binds every rule's section of <c>Parking:*</c> (reservations, charging, sharing, credits, visitors, rounds,
    /// shelters, notices, gates, OCPP) and how pushes reach watchers (<c>Parking:Hub</c>) once; the grains, the API's checks and the simulated devices all read these options.
    /// </summary>
    public static IServiceCollection AddParkingRules(this IServiceCollection services)
    {
        services.AddOptions<ReservationPolicy>().BindConfiguration(ReservationPolicy.SectionName);
        services.AddOptions<ChargingPolicy>().BindConfiguration(ChargingPolicy.SectionName);
        services.AddOptions<SharingPolicy>().BindConfiguration(SharingPolicy.SectionName);
        services.AddOptions<CreditPolicy>().BindConfiguration(CreditPolicy.SectionName);
        services.AddOptions<VisitorPolicy>().BindConfiguration(VisitorPolicy.SectionName);
        services.AddOptions<RoundPolicy>().BindConfiguration(RoundPolicy.SectionName);
        services.AddOptions<ShelterPolicy>().BindConfiguration(ShelterPolicy.SectionName);
        services.AddOptions<NoticeOptions>().BindConfiguration(NoticeOptions.SectionName);
        services.AddOptions<GatePolicy>().BindConfiguration(GatePolicy.SectionName);
        services.AddOptions<OcppPolicy>().BindConfiguration(OcppPolicy.SectionName);
        services.AddOptions<Notifications.HubPushOptions>().BindConfiguration(Notifications.HubPushOptions.SectionName).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Notifications.HubPushOptions>, HubSettingsCheck>();
        return services.AddParkingSiloServices();
    }

    /// <summary>
    /// The per-silo services the grains take by their constructors: the messenger to the settlement shards, the
    /// hook for a hub host in the silo's own process (unset, and so unused, where the silo has none) and the clock of
    /// the notifier's window (the real one). Part of
    /// <see cref="AddParkingRules"/>; test silos that bind no rules add these alone.
    /// </summary>
    public static IServiceCollection AddParkingSiloServices(this IServiceCollection services)
    {
        services.TryAddSingleton<Credits.SettlementBatcher>();
        services.TryAddSingleton<Notifications.LocalHubObserver>();
        services.TryAddSingleton(Notifications.PushWindowClock.System);
        return services;
    }

    private sealed class HubSettingsCheck : Microsoft.Extensions.Options.IValidateOptions<Notifications.HubPushOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, Notifications.HubPushOptions options)
        {
            var check = new SettingsCheck(Notifications.HubPushOptions.SectionName);
            check.AtLeastOne(nameof(options.MaxPendingMessagesPerConnection), options.MaxPendingMessagesPerConnection);
            check.LongerThanZero(nameof(options.WatchRefresh), options.WatchRefresh);
            check.That(
                options.Senders is >= 1 and <= Notifications.HubPushOptions.MaxSenders,
                nameof(options.Senders),
                $"be from 1 to {Notifications.HubPushOptions.MaxSenders} (was {options.Senders})");
            check.LongerThanZero(nameof(options.FlushWindow), options.FlushWindow);
            check.That(
                options.FlushWindow <= Notifications.HubPushOptions.MaxFlushWindow,
                nameof(options.FlushWindow),
                $"be at most {Notifications.HubPushOptions.MaxFlushWindow} (was {options.FlushWindow})");
            return check.Result();
        }
    }
}
