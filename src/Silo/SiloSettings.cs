using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain.Seeding;

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
        if (!Enum.IsDefined(seed.Size))
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SeedOptions),
                [$"{SeedOptions.SectionName}:{nameof(SeedOptions.Size)} must be one of {string.Join(", ", Enum.GetNames<DemoCompoundSize>())} (was {seed.Size})."]);
        }

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
            const string section = SimulationOptions.SectionName;
            var failures = new List<string>();
            void Positive(string key, TimeSpan value)
            {
                if (value <= TimeSpan.Zero)
                {
                    failures.Add($"{section}:{key} must be longer than zero (was {value}).");
                }
            }

            void Share(string key, double value)
            {
                if (!(value is >= 0 and <= 1))
                {
                    failures.Add($"{section}:{key} must be a share from 0 to 1 (was {value}).");
                }
            }

            Positive(nameof(options.ShelterTick), options.ShelterTick);
            Positive(nameof(options.ChargerTick), options.ChargerTick);
            Positive(nameof(options.GateTick), options.GateTick);
            Share(nameof(options.ShelterOccupancy), options.ShelterOccupancy);
            Share(nameof(options.NoShowShare), options.NoShowShare);
            Share(nameof(options.GateUnknownPlateShare), options.GateUnknownPlateShare);
            if (!(options.ShelterSpeedUp > 0))
            {
                failures.Add($"{section}:{nameof(options.ShelterSpeedUp)} must be more than 0 (was {options.ShelterSpeedUp}).");
            }

            if (!(options.RequestsPerCharger >= 0))
            {
                failures.Add($"{section}:{nameof(options.RequestsPerCharger)} must be 0 or more (was {options.RequestsPerCharger}).");
            }

            if (options.GateCars < 0)
            {
                failures.Add($"{section}:{nameof(options.GateCars)} must be 0 or more (was {options.GateCars}).");
            }

            if (string.IsNullOrWhiteSpace(options.GateId))
            {
                failures.Add($"{section}:{nameof(options.GateId)} must not be empty.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
