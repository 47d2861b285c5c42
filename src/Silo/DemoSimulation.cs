using Microsoft.Extensions.Options;
using Parking.Storage;

namespace Parking.Silo;

/// <summary>
/// The simulated devices of the demo compound (<c>Parking:Simulation</c>): the e-bike shelters, the chargers and
/// their drivers, and the gate camera. Each is on by default for the embedded default's first silo when the demo
/// compound is seeded, so the live views move without hardware. One type for the whole section, bound once in
/// <see cref="SiloSettingsHosting.AddSiloSettings"/>.
/// </summary>
public sealed class SimulationOptions
{
    public const string SectionName = "Parking:Simulation";

    /// <summary>
    /// Simulate e-bikes charging in the demo compound's shelters. Unset, it is on only for the embedded default's
    /// first silo (as the simulated chargers): with PostgreSQL or on a second local silo every silo would play the
    /// same controllers and re-issue their credentials under each other.
    /// </summary>
    public bool Shelters { get; set; } = true;

    /// <summary>How often (real time) the simulated ports report and residents plug in.</summary>
    public TimeSpan ShelterTick { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times faster than real time a simulated battery fills, so a charge lasts minutes, not hours.</summary>
    public double ShelterSpeedUp { get; set; } = 30;

    /// <summary>The share of each shelter's ports the simulation keeps busy.</summary>
    public double ShelterOccupancy { get; set; } = 0.5;

    /// <summary>Simulate the demo compound's chargers and drivers; false turns it off.</summary>
    public bool Chargers { get; set; } = true;

    /// <summary>How often (real time) the simulated chargers report and drivers act.</summary>
    public TimeSpan ChargerTick { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Open requests the simulation keeps in each area, as a share of its chargers.</summary>
    public double RequestsPerCharger { get; set; } = 1.0;

    /// <summary>Share of simulated drivers who never plug in (their turn becomes a no-show).</summary>
    public double NoShowShare { get; set; } = 0.1;

    /// <summary>Simulate a gate camera and the cars that pass it; false turns it off.</summary>
    public bool Gate { get; set; } = true;

    /// <summary>The simulated gate's id (its endpoint is <c>.../gates/{GateId}/events</c>).</summary>
    public string GateId { get; set; } = "main";

    /// <summary>How often (real time) the simulated cars book, arrive and leave.</summary>
    public TimeSpan GateTick { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many simulated cars hold a booking at once.</summary>
    public int GateCars { get; set; } = 8;

    /// <summary>The chance, each tick, that a car the compound does not know drives up (it lands on the staff list).</summary>
    public double GateUnknownPlateShare { get; set; } = 0.1;
}

/// <summary>The demo's settings, <c>Parking:Seed</c> and <c>Parking:Simulation</c>, are bound with the silo's in <see cref="SiloSettingsHosting.AddSiloSettings"/>.</summary>
public static class DemoSettingsHosting
{
    public static WebApplicationBuilder AddDemoSettings(this WebApplicationBuilder builder)
    {
        builder.AddSiloSettings();
        return builder;
    }
}

/// <summary>Where the embedded default's simulated devices run unless a setting says otherwise.</summary>
internal static class DemoSimulation
{
    /// <summary>
    /// Leaves <paramref name="key"/>'s bound value when it is set; unset, the simulation is on only for the embedded
    /// default's first silo: not with PostgreSQL (real deployments, where every silo would play the same devices and
    /// re-issue their credentials under each other), not on a second local silo.
    /// </summary>
    public static OptionsBuilder<T> OnFirstEmbeddedSiloUnlessSet<T>(this OptionsBuilder<T> options, IConfiguration configuration, string key, Action<T, bool> set)
        where T : class
    {
        if (configuration[key] is not null)
        {
            return options;
        }

        var firstEmbeddedSilo = string.IsNullOrWhiteSpace(configuration.GetConnectionString(PostgresConnection.ConnectionStringName))
            && string.IsNullOrWhiteSpace(configuration[$"{ClusterOptions.SectionName}:{nameof(ClusterOptions.PrimarySiloPort)}"]);
        return options.PostConfigure(o => set(o, firstEmbeddedSilo));
    }
}
