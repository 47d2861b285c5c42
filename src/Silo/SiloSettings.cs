using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain.Seeding;
using Parking.Grains;

namespace Parking.Silo;

/// <summary>The silo's own settings as read once: <c>Parking:Cluster</c> and <c>Parking:Seed</c>.</summary>
public sealed record SiloSettings(ClusterOptions Cluster, SeedOptions Seed);

/// <summary>
/// The one place the silo binds its settings: <c>Parking:Cluster</c>, <c>Parking:Seed</c> and <c>Parking:Simulation</c>.
/// The cluster and the seed are read while the host is composed (Orleans and the demo compound's id are configured from
/// them), so a bad value stops the host right there, naming the key; the simulation is bound as options (the first
/// embedded silo rule post-configures it) and checked before the host starts.
/// </summary>
public static class SiloSettingsHosting
{
    /// <summary>Reads, checks and registers the silo's settings; a second call returns what the first one read.</summary>
    public static SiloSettings AddSiloSettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.LastOrDefault(d => d.ServiceType == typeof(SiloSettings))?.ImplementationInstance is SiloSettings read)
        {
            return read;
        }

        var cluster = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        cluster.Validate();
        var seed = builder.Configuration.GetSection(SeedOptions.SectionName).Get<SeedOptions>() ?? new SeedOptions();
        var seedCheck = new SettingsCheck(SeedOptions.SectionName);
        seedCheck.That(Enum.IsDefined(seed.Size), nameof(SeedOptions.Size), $"be one of {string.Join(", ", Enum.GetNames<DemoCompoundSize>())} (was {seed.Size})");
        seedCheck.ThrowIfFailed(typeof(SeedOptions));

        var settings = new SiloSettings(cluster, seed);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(cluster);
        builder.Services.AddSingleton(seed);
        builder.Services.AddSingleton(new DemoCompoundInfo(DemoCompoundGenerator.CompoundIdFor(seed.Size), seed.Enabled));

        builder.Services.AddOptions<SimulationOptions>()
            .BindConfiguration(SimulationOptions.SectionName)
            .OnFirstEmbeddedSiloUnlessSet(builder.Configuration, $"{SimulationOptions.SectionName}:{nameof(SimulationOptions.Shelters)}", (o, on) => o.Shelters = on)
            .OnFirstEmbeddedSiloUnlessSet(builder.Configuration, $"{SimulationOptions.SectionName}:{nameof(SimulationOptions.Chargers)}", (o, on) => o.Chargers = on)
            .OnFirstEmbeddedSiloUnlessSet(builder.Configuration, $"{SimulationOptions.SectionName}:{nameof(SimulationOptions.Gate)}", (o, on) => o.Gate = on)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SimulationOptions>, SimulationSettingsCheck>();
        return settings;
    }

    private sealed class SimulationSettingsCheck : IValidateOptions<SimulationOptions>
    {
        public ValidateOptionsResult Validate(string? name, SimulationOptions options)
        {
            var check = new SettingsCheck(SimulationOptions.SectionName);
            check.LongerThanZero(nameof(options.ShelterTick), options.ShelterTick);
            check.LongerThanZero(nameof(options.ChargerTick), options.ChargerTick);
            check.LongerThanZero(nameof(options.GateTick), options.GateTick);
            check.Share(nameof(options.ShelterOccupancy), options.ShelterOccupancy);
            check.Share(nameof(options.NoShowShare), options.NoShowShare);
            check.Share(nameof(options.GateUnknownPlateShare), options.GateUnknownPlateShare);
            check.That(options.ShelterSpeedUp > 0, nameof(options.ShelterSpeedUp), $"be more than 0 (was {options.ShelterSpeedUp})");
            check.That(options.RequestsPerCharger >= 0, nameof(options.RequestsPerCharger), $"be 0 or more (was {options.RequestsPerCharger})");
            check.That(options.GateCars >= 0, nameof(options.GateCars), $"be 0 or more (was {options.GateCars})");
            check.NotEmpty(nameof(options.GateId), options.GateId);
            return check.Result();
        }
    }
}
